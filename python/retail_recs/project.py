"""Where the dbt project and its warehouse live, shared by every command-line helper."""

from __future__ import annotations

import os
from pathlib import Path

# python/retail_recs/project.py -> repository root (the package is installed editable).
PROJECT_DIR = Path(os.environ.get("RETAIL_RECS_PROJECT_DIR", Path(__file__).resolve().parents[2]))
DEFAULT_DB = Path("warehouse/retail_recs.duckdb")
SOURCE_NAMES = ("events", "items", "customers")


def database_path() -> Path:
    """The DuckDB file dbt builds: env RETAIL_RECS_DB, as profiles.yml reads it."""
    return Path(os.environ.get("RETAIL_RECS_DB", DEFAULT_DB))


def source_vars(data_dir: Path) -> dict[str, str]:
    """dbt vars that point the three sources at ``<data_dir>/<name>.parquet``."""
    for name in SOURCE_NAMES:
        path = data_dir / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"missing source file {path}")
    return {
        f"retail_recs__{name}_location": str((data_dir / f"{name}.parquet").resolve())
        for name in SOURCE_NAMES
    }
