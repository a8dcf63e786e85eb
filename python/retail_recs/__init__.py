"""retail_recs: the Python layer of a SQL-centric retail marketing warehouse.

SQL (dbt) does the data work; this package holds what SQL does badly: demo data generation,
source loaders, the linear algebra, and the command-line helpers around the build.
"""

__version__ = "0.1.0"
