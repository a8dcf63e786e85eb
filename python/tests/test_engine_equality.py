"""The comparison behind the Spark equality step (retail_recs.engine_equality) and the
Python job's model order (retail_recs.spark_python), on hand-made tables: no Spark needed."""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pytest

from retail_recs.engine_equality import compare_table
from retail_recs.spark_python import build_stages, python_models


def rows(**columns) -> pa.Table:
    return pa.table(columns)


def test_equal_tables_in_another_row_order_and_types_are_equal():
    duckdb_rows = rows(
        user_id=["a", "b", "c"],
        rank=pa.array([1, 2, 3], pa.int64()),
        score=[0.5, 0.25, 1 / 3],
        amount=pa.array([1, 2, 3], pa.decimal128(10, 2)),
    )
    spark_rows = rows(
        USER_ID=["c", "a", "b"],
        rank=pa.array([3, 1, 2], pa.int32()),
        score=[1 / 3 * (1 + 1e-12), 0.5, 0.25],
        amount=[3.0, 1.0, 2.0],
    )
    assert compare_table("t", duckdb_rows, spark_rows) == []


def test_a_number_off_by_more_than_the_tolerance_is_a_difference():
    # buyer_rate rounded to 5 decimals, as a decimal literal did on Spark.
    differences = compare_table("m", rows(rate=[0.403846153846]), rows(rate=[0.40385]))
    assert [d.what.split(" (")[0] for d in differences] == ["column rate differs in 1 rows"]


def test_swapped_ranks_are_a_difference():
    duckdb_rows = rows(user_id=["u", "u"], item_id=["x", "y"], rank=[1, 2])
    spark_rows = rows(user_id=["u", "u"], item_id=["x", "y"], rank=[2, 1])
    differences = compare_table("r", duckdb_rows, spark_rows)
    assert [d.what.split(" (")[0] for d in differences] == ["column rank differs in 2 rows"]


def test_text_in_another_order_is_a_difference():
    differences = compare_table(
        "recommendations",
        rows(contributing_algorithms=["svd, ease"]),
        rows(contributing_algorithms=["ease, svd"]),
    )
    assert len(differences) == 1 and "contributing_algorithms" in differences[0].what


def test_row_counts_and_columns_are_checked_first():
    assert "2 rows on DuckDB, 1 on Spark" in str(compare_table("t", rows(a=[1, 2]), rows(a=[1]))[0])
    assert "columns" in str(compare_table("t", rows(a=[1]), rows(b=[1]))[0])


def test_float_arrays_compare_element_by_element():
    factors = pa.array([[0.1, 0.2], [0.3, 0.4]], pa.list_(pa.float32()))
    close = pa.array([[0.1, 0.2], [0.3, 0.4]], pa.list_(pa.float32()))
    off = pa.array([[0.1, 0.2], [0.3, 0.5]], pa.list_(pa.float32()))
    assert compare_table("f", rows(i=[0, 1], factors=factors), rows(i=[0, 1], factors=close)) == []
    assert len(compare_table("f", rows(i=[0, 1], factors=factors), rows(i=[0, 1], factors=off)))


def test_timestamps_compare_as_utc_instants():
    naive = pa.array([datetime(2025, 1, 1, 12)], pa.timestamp("us"))
    aware = pa.array([datetime(2025, 1, 1, 12, tzinfo=timezone.utc)], pa.timestamp("us", "UTC"))
    assert compare_table("t", rows(at=naive), rows(at=aware)) == []


def test_nulls_and_nans_match_only_themselves():
    assert compare_table("n", rows(x=[None, float("nan")]), rows(x=[None, float("nan")])) == []
    assert compare_table("n", rows(x=[None, 1.0]), rows(x=[0.0, 1.0]))
    assert compare_table("n", rows(x=[0.5]), rows(x=[0.5 + 2e-9]))


def _node(name: str, language: str, parents: list[str]) -> tuple[str, dict]:
    unique_id = f"model.retail_recs.{name}"
    return unique_id, {
        "unique_id": unique_id,
        "name": name,
        "resource_type": "model",
        "language": language,
        "depends_on": {"nodes": [f"model.retail_recs.{parent}" for parent in parents]},
    }


@pytest.fixture
def manifest() -> dict:
    return {
        "nodes": dict(
            [
                _node("customer_features", "sql", []),
                # Named so that alphabetical order would run the child first.
                _node("a_clusters", "python", ["b_selection", "customer_features"]),
                _node("b_selection", "python", ["customer_features"]),
                _node("cluster_profiles", "sql", ["a_clusters"]),
            ]
        )
    }


def test_python_models_run_after_the_python_models_they_read(manifest):
    assert [node["name"] for node in python_models(manifest)] == ["b_selection", "a_clusters"]


def test_build_stages_alternate_sql_and_python(manifest):
    assert build_stages(manifest) == [
        ("sql", ["customer_features"]),
        ("python", ["a_clusters", "b_selection"]),
        ("sql", ["cluster_profiles"]),
    ]
    # A Python model reading SQL that a Python model feeds takes a second Python stage.
    name, node = _node("d_similar", "python", ["cluster_profiles"])
    manifest["nodes"][name] = node
    name, node = _node("e_report", "sql", ["d_similar", "customer_features"])
    manifest["nodes"][name] = node
    assert build_stages(manifest)[3:] == [("python", ["d_similar"]), ("sql", ["e_report"])]


def test_the_projects_stages_cover_every_node_once():
    from retail_recs.build import run_dbt

    parsed = run_dbt("parse")
    assert parsed.success
    manifest = parsed.result.writable_manifest().to_dict()
    stages = build_stages(manifest)
    staged = [name for _, names in stages for name in names]
    built = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    ]
    assert sorted(staged) == sorted(built)
    python_names = {node["name"] for node in python_models(manifest)}
    assert {name for kind, names in stages if kind == "python" for name in names} == python_names
    # Every node comes after its parents: in a later stage, or in the same one (run in
    # dependency order there) when it is of the same kind.
    position = {name: index for index, (_, names) in enumerate(stages) for name in names}
    for node in manifest["nodes"].values():
        for parent in node.get("depends_on", {}).get("nodes", []):
            parent_name = manifest["nodes"].get(parent, {}).get("name")
            if node["name"] in position and parent_name in position:
                same_kind = (node["name"] in python_names) == (parent_name in python_names)
                assert position[parent_name] < position[node["name"]] + same_kind
