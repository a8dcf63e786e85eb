"""The same project on Spark: the small demo built on DuckDB and on a local Spark session
(dbt-spark's session method, local[2]) gives the same warehouse, table by table: row counts,
keys, ranks and text equal, numbers equal within 1e-9 relative (retail_recs.engine_equality).
The Spark build runs dbt's unit tests there too (dbt build runs them before each model).

Run alone with `make spark-check`; `make test` runs it after the DuckDB suite. It needs Java
and the project's spark extra (make install-spark); outside CI it skips without them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from retail_recs import engine_equality

from .conftest import build_warehouse, generate_small_demo

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
    """Its own copy of the small demo, so no other test's campaign round changes it."""
    return generate_small_demo(tmp_path_factory.mktemp("spark_demo_data"))


@pytest.fixture(scope="module")
def duckdb_build(demo_data, tmp_path_factory) -> Path:
    return build_warehouse(demo_data, tmp_path_factory.mktemp("duckdb_db"))


@pytest.fixture(scope="module")
def spark_build(demo_data, tmp_path_factory):
    """The three-step Spark build (retail_recs.spark_build) of the same data; its session."""
    _spark_or_skip()
    from retail_recs import spark_build

    spark_dir = tmp_path_factory.mktemp("spark")
    os.environ["RETAIL_RECS_SPARK_DIR"] = str(spark_dir)
    target = ["--target-path", str(spark_dir / "target")]
    assert spark_build.build(demo_data, {}, target, data_tests=False), "the Spark build failed"
    return spark_build


def test_every_table_is_the_same_on_spark_and_duckdb(duckdb_build, spark_build, demo_data):
    from retail_recs.build import run_dbt

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
    connection = engine_equality.open_duckdb(duckdb_build)
    try:
        differences = engine_equality.compare_warehouses(
            connection, spark_build.session(), relations, ignored_columns=BUILD_TIME_COLUMNS
        )
    finally:
        connection.close()
    report = "\n".join(str(difference) for difference in differences)
    assert not differences, f"{len(differences)} differences between DuckDB and Spark:\n{report}"


def test_a_relative_source_location_is_refused_on_spark(spark_build, demo_data):
    """A view keeps its source path as written; a relative one would resolve against the
    working directory of whichever session reads it later."""
    relative = {"retail_recs__events_location": "data/demo/events.parquet"}
    result = spark_build.invoke("compile", demo_data, relative, ["--select", "base_events"])
    messages = [str(result.exception)] + [
        str(node_result.message) for node_result in (result.result or [])
    ]
    assert not result.success
    assert any("must be an absolute path" in message for message in messages), messages
