"""Where the dbt project and its warehouse live, shared by every command-line helper."""

from __future__ import annotations

import json
import os
from pathlib import Path

# python/retail_recs/project.py -> repository root (the package is installed editable).
PROJECT_DIR = Path(os.environ.get("RETAIL_RECS_PROJECT_DIR", Path(__file__).resolve().parents[2]))
DEFAULT_DB = Path("warehouse/retail_recs.duckdb")
SOURCE_NAMES = ("events", "items", "customers")
# A data folder may carry dbt vars of its own (e.g. its evaluation protocol) in this file.
DATA_VARS_FILE = "dbt_vars.json"


def database_path() -> Path:
    """The DuckDB file dbt builds: env RETAIL_RECS_DB, as profiles.yml reads it."""
    return Path(os.environ.get("RETAIL_RECS_DB", DEFAULT_DB))


def source_vars(data_dir: Path) -> dict[str, object]:
    """dbt vars that point the three sources at ``<data_dir>/<name>.parquet``, plus the vars
    in ``<data_dir>/dbt_vars.json`` when the data set brings its own (Online Retail brings its
    evaluation protocol)."""
    for name in SOURCE_NAMES:
        path = data_dir / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"missing source file {path}")
    own_vars = data_dir / DATA_VARS_FILE
    return {
        **(json.loads(own_vars.read_text(encoding="utf-8")) if own_vars.exists() else {}),
        **{
            f"retail_recs__{name}_location": str((data_dir / f"{name}.parquet").resolve())
            for name in SOURCE_NAMES
        },
    }
