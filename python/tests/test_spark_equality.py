"""The same project on Spark: the small demo built on DuckDB and on a local Spark session
(dbt-spark's session method, local[2]) gives the same warehouse, table by table: row counts,
keys, ranks and text equal, numbers equal within 1e-9 relative (retail_recs.engine_equality).
The Spark build runs dbt's unit tests there too (dbt build runs them before each model).
Both engines then build again with two more days of events appended: DuckDB refreshes its
event models incrementally, Spark rebuilds them, and those models and their ancestors are
compared. Every other model is a function of them that the first comparison already showed
equal on both engines, so the second build stops at the event models.

Last, order lines without event ids, types, a customer file or a catalogue, their columns
titled as a platform titles them, are built on both engines and compared the same way.

Run alone with `make spark-check`; `make test` runs it beside the DuckDB suite. It needs Java
and the project's spark extra (make install-spark); outside CI it skips without them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retail_recs import engine_equality
from retail_recs.build import run_dbt
from retail_recs.demo_data import CAMPAIGN_EVENTS_SCHEMA

from .conftest import generate_small_demo

pytestmark = [pytest.mark.slow, pytest.mark.spark]

# Columns that record when a build ran, not what it computed: they differ between any two
# builds, on one engine or two.
BUILD_TIME_COLUMNS = {"refreshed_at", "built_at"}


def _spark_or_skip() -> None:
    """Skip outside CI when Java or the spark extra is missing; in CI that is a failure."""
    missing = []
    if shutil.which("java") is None:
        missing.append("Java (OpenJDK 17: apt-get install openjdk-17-jre-headless)")
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        missing.append("pyspark and dbt-spark[session] (make install-spark)")
    if missing:
        message = "the Spark equality step needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; in CI it must run")
        pytest.skip(message)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """Its own copy of the small demo, so no other test's campaign round changes it, with
    two past experiments in campaign_events."""
    folder = generate_small_demo(tmp_path_factory.mktemp("spark_demo_data"))
    plant_experiments(folder)
    return folder


def _fraction(*parts: str) -> float:
    digest = hashlib.sha256(":".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def plant_experiments(folder: Path) -> None:
    """Every customer of the demo was sent or held out (40%, by a hash) by two of the seed's
    campaigns, and converted by another hash (35% treated, 20% held out): enough members in
    each group for the uplift learners to fit, so the campaign outcomes, the uplift training
    and the uplift models hold rows on both engines."""
    users = sorted(
        {
            user_id
            for (user_id,) in duckdb.sql(
                f"select user_id from read_parquet('{folder / 'customers.parquet'}')"
            ).fetchall()
            if user_id
        }
    )
    starts = {
        "winback_2026_01": datetime(2026, 1, 5, 9, tzinfo=UTC),
        "february_2026_02": datetime(2026, 2, 2, 9, tzinfo=UTC),
    }
    rows = []
    for campaign_id, sent_at in starts.items():
        for user_id in users:
            treated = _fraction(campaign_id, user_id) >= 0.4
            rows.append(
                (campaign_id, user_id, "sent" if treated else "held_out", sent_at, None, None)
            )
            if _fraction("converted", campaign_id, user_id) < (0.35 if treated else 0.2):
                order_id = f"C-{campaign_id}-{user_id}"
                rows.append(
                    (campaign_id, user_id, "converted", sent_at + timedelta(days=2), order_id, 50.0)
                )
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {
            "event_id": [f"SPARK{i:06d}" for i in range(len(rows))],
            "campaign_id": list(columns[0]),
            "user_id": list(columns[1]),
            "event_type": list(columns[2]),
            "event_at": pa.array(columns[3], CAMPAIGN_EVENTS_SCHEMA.field("event_at").type),
            "order_id": pa.array(columns[4], pa.string()),
            "order_value": pa.array(columns[5], pa.float64()),
        },
        schema=CAMPAIGN_EVENTS_SCHEMA,
    )
    pq.write_table(table, folder / "campaign_events.parquet")


def hold_out_last_days(folder: Path, days: int = 2) -> Path:
    """Move the events of the last ``days`` out of ``folder``'s events file (undated and
    unparseable rows stay): they are the batch appended later. Returns the file of all."""
    all_events = folder.parent / f"{folder.name}_all_events.parquet"
    shutil.move(folder / "events.parquet", all_events)
    parsed = "try_cast(event_at as timestamp)"
    duckdb.execute(
        f"""
        copy (
            select * from read_parquet('{all_events}')
            where coalesce({parsed} < (
                select max({parsed}) - interval {days} day from read_parquet('{all_events}')
            ), true)
        ) to '{folder / "events.parquet"}' (format parquet)
        """
    )
    return all_events


# Numbers must agree within this relative tolerance. Most agree to 1e-12, but user-CF's
# Pearson correlations lose digits to cancellation, and with its rounding to 9 decimals a
# score can differ by about 1e-9 of itself (measured: 7.087719283 on DuckDB against
# 7.087719291 on Spark, on the demo without its last two days). Ranks stay exact.
STEP_TOLERANCE = 1e-8


# The models DuckDB refreshes incrementally from appended events (materialized by macro
# in_place_incremental_materialization; the campaign audiences, incremental by campaign, are
# not event models), with their ancestors: the appended batch's selection. The catalogue's
# Python models (topics, category predictions) read the items only, which do not change, and
# dbt-spark could not run them outside the Spark build's Python stages.
APPENDED_SELECTION = [
    "--select",
    "+stg_events_checked +int_customer_activity +int_interaction_totals +fct_basket_items "
    "+fct_interactions",
    "--exclude",
    "marts.catalogue",
]


def compare_builds(
    demo_data: Path, duckdb_path: Path, spark_build, tolerance: float, only: set | None = None
) -> list:
    """The differences between the two engines' builds: every model and seed, or those named
    in ``only``."""
    parsed = run_dbt("parse", demo_data)
    assert parsed.success
    duckdb_manifest = parsed.result.writable_manifest().to_dict()
    relations = engine_equality.compared_relations(
        duckdb_manifest, spark_build.parse(demo_data, {})
    )
    # Every model (Python ones included) and seed of the DAG is compared.
    assert set(relations) == {
        node["name"]
        for node in duckdb_manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }
    if only is not None:
        assert only <= set(relations), only - set(relations)
        relations = {name: relations[name] for name in only}
    connection = engine_equality.open_duckdb(duckdb_path)
    try:
        return engine_equality.compare_warehouses(
            connection,
            spark_build.session(),
            relations,
            ignored_columns=BUILD_TIME_COLUMNS,
            tolerance=tolerance,
        )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def builds(demo_data, tmp_path_factory):
    """Both engines build the demo without its last two days of events, and are compared;
    then the event models again with those days appended: DuckDB refreshes them
    incrementally, Spark rebuilds them (README, "Running on Spark"). Returns the differences
    after each batch, and retail_recs.spark_build (its session holds the Spark tables)."""
    _spark_or_skip()
    from retail_recs import spark_build

    spark_dir = tmp_path_factory.mktemp("spark")
    os.environ["RETAIL_RECS_SPARK_DIR"] = str(spark_dir)
    spark_target = ["--target-path", str(spark_dir / "target")]
    db_path = tmp_path_factory.mktemp("duckdb_db") / "warehouse.duckdb"
    all_events = hold_out_last_days(demo_data)
    differences = {}
    # DuckDB's data and unit tests run in the DuckDB suite; Spark's unit tests in its first build.
    untested = ["--exclude-resource-type", "test", "unit_test"]
    result = run_dbt("build", demo_data, db_path, extra_args=untested)
    assert result.success, f"DuckDB build (first batch) failed: {result.exception}"
    assert spark_build.build(demo_data, {}, spark_target, data_tests=False), "Spark build failed"
    differences["first"] = compare_builds(demo_data, db_path, spark_build, STEP_TOLERANCE)

    shutil.copy(all_events, demo_data / "events.parquet")
    tables_only = [*APPENDED_SELECTION, "--exclude-resource-type", "test", "unit_test"]
    result = run_dbt("build", demo_data, db_path, extra_args=tables_only)
    assert result.success, f"DuckDB build (appended batch) failed: {result.exception}"
    assert spark_build.invoke("build", demo_data, {}, [*spark_target, *tables_only]).success
    selected = run_dbt(
        "ls",
        demo_data,
        extra_args=[*APPENDED_SELECTION, "--resource-type", "model", "seed", "--output", "name"],
    )
    assert selected.success
    differences["appended"] = compare_builds(
        demo_data, db_path, spark_build, STEP_TOLERANCE, only=set(selected.result)
    )
    return differences, spark_build


def _report(differences: list) -> str:
    lines = "\n".join(str(difference) for difference in differences)
    return f"{len(differences)} differences between DuckDB and Spark:\n{lines}"


def test_every_table_is_the_same_on_spark_and_duckdb(builds):
    """Both full builds: every number within STEP_TOLERANCE."""
    differences, _ = builds
    assert not differences["first"], _report(differences["first"])


def test_an_appended_batch_gives_the_same_tables_on_both_engines(builds):
    """DuckDB's incremental refresh of the event models (equal to its own full refresh,
    test_incremental.py) and Spark's rebuild, after two more days of events."""
    differences, _ = builds
    assert not differences["appended"], _report(differences["appended"])


def test_a_relative_source_location_is_refused_on_spark(builds, demo_data):
    """A view keeps its source path as written; a relative one would resolve against the
    working directory of whichever session reads it later."""
    _, spark_build = builds
    relative = {"retail_recs__events_location": "data/demo/events.parquet"}
    result = spark_build.invoke("compile", demo_data, relative, ["--select", "base_events"])
    messages = [str(result.exception)] + [
        str(node_result.message) for node_result in (result.result or [])
    ]
    assert not result.success
    assert any("must be an absolute path" in message for message in messages), messages


def test_order_lines_without_ids_types_customers_or_catalogue_are_the_same_on_both_engines(
    builds, demo_data, tmp_path
):
    """Order lines titled as a platform titles them (CustomerID, StockCode, InvoiceDate), with
    no event id, type, customer file or catalogue: the ids made of each row's content, the
    catalogue made of the items the events name and the columns read by synonym give the same
    tables on both engines, every one of them."""
    _, spark_build = builds
    folder = tmp_path / "order_lines"
    folder.mkdir()
    duckdb.sql(
        f"""
        copy (
            select user_id as CustomerID, item_id as StockCode,
                cast(event_at as varchar) as InvoiceDate
            from read_parquet('{demo_data / "events.parquet"}')
            where event_type = 'purchase'
            order by event_id
            limit 4000
        ) to '{folder / "events.parquet"}' (format parquet)
        """
    )
    (folder / "dbt_vars.json").write_text(
        json.dumps({"retail_recs__default_event_type": "purchase"})
    )
    db_path = tmp_path / "warehouse.duckdb"
    # The unit tests read fixtures, not this shop, and ran on Spark in the first build (and on
    # DuckDB in the suite): here they took 208 of the 285 seconds of Spark's stages (by hand).
    untested = ["--exclude-resource-type", "test", "unit_test"]
    result = run_dbt("build", folder, db_path, extra_args=untested)
    assert result.success, f"DuckDB build failed: {result.exception}"
    # --full-refresh: the Spark warehouse holds the demo, and its source guard refuses a build
    # that reads another shop into it.
    spark_args = [
        "--target-path",
        str(tmp_path / "spark_target"),
        "--full-refresh",
        "--exclude-resource-type",
        "unit_test",
    ]
    assert spark_build.build(folder, {}, spark_args, data_tests=False), "Spark build failed"
    differences = compare_builds(folder, db_path, spark_build, STEP_TOLERANCE)
    assert not differences, _report(differences)
