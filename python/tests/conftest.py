"""Shared fixtures: warehouses built end to end through dbtRunner, once per session."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from retail_recs import online_retail
from retail_recs.build import run_dbt
from retail_recs.project import PROJECT_DIR

ONLINE_RETAIL_FILE = Path(
    os.environ.get(
        "RETAIL_RECS_ONLINE_RETAIL", PROJECT_DIR.parent / "shared/data/online_retail.parquet"
    )
)


def query(db_path: Path, sql: str) -> list[tuple]:
    """Run one read-only query against a built warehouse."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def online_retail_file() -> Path:
    """The UCI Online Retail file; a missing file skips locally and fails in CI."""
    if not ONLINE_RETAIL_FILE.exists():
        message = (
            f"Online Retail data not found at {ONLINE_RETAIL_FILE} (expected ../shared/data "
            "beside the checkout, or set RETAIL_RECS_ONLINE_RETAIL)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run the real-data tests")
        pytest.skip(message)
    return ONLINE_RETAIL_FILE


@pytest.fixture(scope="session")
def online_retail_data(online_retail_file, tmp_path_factory) -> Path:
    """The Online Retail file converted to the input contract."""
    out = tmp_path_factory.mktemp("online_retail_data")
    online_retail.convert(online_retail_file, out)
    return out


@pytest.fixture(scope="session")
def online_retail_warehouse(online_retail_data, tmp_path_factory) -> Path:
    """A warehouse built with `dbt build` on Online Retail; every dbt test must pass."""
    db_path = tmp_path_factory.mktemp("online_retail_db") / "warehouse.duckdb"
    result = run_dbt("build", online_retail_data, db_path)
    assert result.success, f"dbt build failed on Online Retail: {result.exception}"
    return db_path
