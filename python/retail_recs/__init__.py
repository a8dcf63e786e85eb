"""retail_recs: the Python layer of a SQL-centric retail marketing warehouse.

SQL (dbt) does the data work; this package holds what SQL does badly: demo data generation,
source loaders, the linear algebra, and the command-line helpers around the build.
"""

import os

# dbt runs a Python model beside another node (threads: 2 on 2 cores), so OpenMP's threads
# (LightGBM, scikit-learn) share the cores with DuckDB's. OpenMP's default is to spin while it
# waits, and a spinning thread starves the thread it waits for: at 10M events, training the
# ranker beside a DuckDB query took 36.1 s spinning and 18.0 s passive (9.7 and 10.7 s alone).
# libgomp reads this when it loads, which is when a submodule first imports those libraries,
# after this line. A value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
