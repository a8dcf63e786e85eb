"""Shared fixtures: warehouses built end to end through dbtRunner, once per session."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from retail_recs import build, online_retail
from retail_recs.build import run_dbt
from retail_recs.demo_data import load_ground_truth
from retail_recs.demo_data.responses import load_campaign_truth, simulate_responses
from retail_recs.project import PROJECT_DIR

ONLINE_RETAIL_FILE = Path(
    os.environ.get(
        "RETAIL_RECS_ONLINE_RETAIL", PROJECT_DIR.parent / "shared/data/online_retail.parquet"
    )
)


# Test files whose tests share no fixture beyond the session's (each builds its own shop):
# with pytest-xdist (make test) their tests spread over the processes one by one.
INDEPENDENT_TEST_FILES = ("test_own_data.py",)

try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # pytest without pytest-xdist: nothing to schedule
    LoadScopeScheduling = None

if LoadScopeScheduling is not None:

    class FileScheduling(LoadScopeScheduling):
        """Each test file's tests on one process, so that a warehouse a file builds for its
        tests (a module fixture) is built once; a test of INDEPENDENT_TEST_FILES alone.
        (xdist's own loadgroup marks do not group under pytest 9.2, which no longer reads
        the node id they rewrite.)"""

        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            return nodeid if Path(file).name in INDEPENDENT_TEST_FILES else file

    # Optional: `pytest -p no:xdist` (one process, as when debugging) has no such hook.
    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(config, log):
        return FileScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def target_path_per_vars(tmp_path_factory):
    """dbt parses the whole project again whenever --vars differ from the last parse in its
    target path (about 10 s of CPU for this project, against 2 s for a partial parse), and the
    suite alternates between data folders, each with its own source vars. One target path per
    set of vars (and profile target) keeps every set's partial parse, and the logs go beside
    them. In-process invocations only (run_dbt, spark_build.invoke); one that names its own
    target path keeps it."""
    root = tmp_path_factory.mktemp("dbt_targets")
    with_default_target = build.dbt_args

    def dbt_args(command, data_dir=None, extra_vars=None, extra_args=()):
        args = with_default_target(command, data_dir, extra_vars, extra_args)
        # dbt debug (which opens the Spark session) parses nothing and has no --target-path.
        if "--target-path" in args or command in ("debug", "deps", "clean", "init"):
            return args
        variables = json.loads(args[args.index("--vars") + 1]) if "--vars" in args else {}
        # A parse is kept per target too (the Spark step parses for DuckDB and for Spark).
        target = args[args.index("--target") + 1] if "--target" in args else "default"
        key = hashlib.sha256(json.dumps([target, variables], sort_keys=True).encode())
        # The logs too, per process: pytest-xdist's processes would share the project's.
        logs = [] if "--log-path" in args else ["--log-path", str(root / "logs")]
        return [*args, "--target-path", str(root / key.hexdigest()[:16]), *logs]

    build.dbt_args = dbt_args
    yield
    build.dbt_args = with_default_target


def query(db_path: Path, sql: str) -> list[tuple]:
    """Run one read-only query against a built warehouse."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def query_dicts(db_path: Path, sql: str) -> list[dict]:
    """Run one read-only query against a built warehouse; each row as a dict by column."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


# dbt's unit tests read their own fixtures under the vars they pin, never a shop's rows, so
# one run per set of vars proves them: the demo and Online Retail warehouses, the shop-settings
# probe and the Spark step run them. The suite's other builds leave them out: on the small demo
# they are 74 of 949 nodes and a quarter of the build's node time (24 of 90 s).
WITHOUT_UNIT_TESTS = ("--exclude", "test_type:unit")


def build_warehouse(data_dir: Path, db_dir: Path) -> Path:
    """`dbt build` of the contract files in ``data_dir``; fails the test unless all passes
    (the unit tests included)."""
    db_path = db_dir / "warehouse.duckdb"
    result = run_dbt("build", data_dir, db_path)
    assert result.success, f"dbt build failed on {data_dir}: {result.exception}"
    return db_path


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
    return build_warehouse(online_retail_data, tmp_path_factory.mktemp("online_retail_db"))


# A demo set small enough to build in seconds, large enough for every kind of dirty row.
SMALL_DEMO_ARGS = ("--customers", "600", "--items", "300", "--events", "40000", "--seed", "7")


def generate_small_demo(out: Path) -> Path:
    """The small demo set written to ``out`` by the CLI, with its ground_truth.json."""
    subprocess.run(
        [sys.executable, "-m", "retail_recs.demo_data", "--out", str(out), *SMALL_DEMO_ARGS],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def small_demo_data(tmp_path_factory) -> Path:
    """Demo data generated by the CLI, with its ground_truth.json."""
    return generate_small_demo(tmp_path_factory.mktemp("demo_data"))


@pytest.fixture(scope="session")
def ground_truth(small_demo_data) -> dict:
    return load_ground_truth(small_demo_data)


def play_campaign_round(data_dir: Path, db_path: Path, seed: int = 7) -> None:
    """What `make demo` does after the first build: simulate the responses to the campaigns
    in ``db_path`` into ``data_dir``, then rebuild everything that depends on them."""
    simulate_responses(db_path, data_dir, seed)
    result = run_dbt(
        "build", data_dir, db_path, extra_args=["--select", "source:retail.campaign_events+"]
    )
    assert result.success, f"dbt build after loading campaign responses failed: {result.exception}"


@pytest.fixture(scope="session")
def demo_warehouse(small_demo_data, tmp_path_factory) -> Path:
    """A warehouse built with `dbt build` on the small demo set, then rebuilt with simulated
    campaign responses (as `make demo` does); every dbt test must pass."""
    db_path = build_warehouse(small_demo_data, tmp_path_factory.mktemp("demo_db"))
    play_campaign_round(small_demo_data, db_path)
    return db_path


@pytest.fixture(scope="session")
def campaign_truth(demo_warehouse, small_demo_data) -> dict:
    """What the response simulator planted for the demo warehouse's campaigns."""
    return load_campaign_truth(small_demo_data)
