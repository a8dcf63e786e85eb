"""The Python layer as a PySpark job: every dbt Python model, run against Spark tables.

Usage::

    python -m retail_recs.spark_python --data data/demo

dbt-spark runs Python models on Databricks only, so on a local session or a cluster the
models in ``models/**/*.py`` run here instead. Each model file's own ``model(dbt, session)``
function is called, as dbt-duckdb calls it: ``dbt.ref(name)`` is the Spark table of that
model read through Arrow into a DuckDB relation (the API the models use), ``dbt.config.get``
reads the model's config from dbt's manifest, and the returned Arrow table is written back
as the model's Spark table (Parquet). The models run in dependency order, so one job covers
chains such as cluster_selection -> int_customer_clusters; ``retail_recs.spark_build``
runs them stage by stage between the SQL stages (``build_stages``).

The driver holds each model's inputs and outputs in memory (README, "Running on Spark").
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import duckdb
import pyarrow as pa

logger = logging.getLogger(__name__)


def python_models(manifest: dict) -> list[dict]:
    """The manifest's Python model nodes, each after the Python models it depends on."""
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["language"] == "python"
    }
    ordered: list[dict] = []
    placed: set[str] = set()

    def place(unique_id: str) -> None:
        if unique_id in placed:
            return
        placed.add(unique_id)
        for parent in nodes[unique_id]["depends_on"]["nodes"]:
            if parent in nodes:
                place(parent)
        ordered.append(nodes[unique_id])

    for unique_id in sorted(nodes):
        place(unique_id)
    return ordered


def build_stages(manifest: dict) -> list[tuple[str, list[str]]]:
    """The build's alternating stages: ("sql", names) that dbt builds, then ("python", names)
    that this job runs, and so on, each node as early as its parents allow. A Python model
    runs in the Python stage after the SQL stage of its latest SQL parent (with the Python
    models it reads, in dependency order); a SQL model, seed or snapshot in the SQL stage after
    its latest parent. Every Python model is in a Python stage, so a chain such as
    SQL → Python → SQL → Python (the ranker's features, fed by EASE, feeding its training)
    takes two rounds."""
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
    layers: dict[str, int] = {}

    def layer(unique_id: str) -> int:
        if unique_id not in layers:
            node = nodes[unique_id]
            is_python = node.get("language") == "python"
            parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
            found = 1 if is_python else 0
            for parent in parents:
                parent_is_python = nodes[parent].get("language") == "python"
                found = max(found, layer(parent) + (1 if is_python and not parent_is_python else 0))
            layers[unique_id] = found
        return layers[unique_id]

    stages: list[tuple[str, list[str]]] = []
    for depth in range(max((layer(u) for u in nodes), default=0) + 1):
        for kind in ("python", "sql"):
            names = sorted(
                node["name"]
                for unique_id, node in nodes.items()
                if layer(unique_id) == depth
                and (node.get("language") == "python") == (kind == "python")
            )
            if names:
                stages.append((kind, names))
    return stages


class _Config:
    def __init__(self, values: dict):
        self._values = values

    def get(self, key: str, default=None):
        return self._values.get(key, default)

    def __call__(self, **_settings) -> None:
        """dbt.config(materialized=...) in a model body: already in the manifest."""


class _Dbt:
    """The ``dbt`` object a model function receives, over Spark tables."""

    def __init__(self, node: dict, relations: dict[str, str], spark, connection):
        self.config = _Config(node["config"])
        self._relations = relations
        self._spark = spark
        self._connection = connection

    def ref(self, name: str, *_version) -> duckdb.DuckDBPyRelation:
        arrow = self._spark.table(self._relations[name]).toArrow()
        return self._connection.from_arrow(arrow)

    def source(self, source_name: str, table_name: str):
        raise NotImplementedError("Python models read models, not sources")


def _load_model(node: dict) -> ModuleType:
    module = ModuleType(node["name"])
    exec(compile(node["raw_code"], node["original_file_path"], "exec"), module.__dict__)
    return module


def run_model(node: dict, relations: dict[str, str], spark) -> int:
    """Run one Python model and replace its Spark table; returns the rows written."""
    connection = duckdb.connect()
    try:
        result = _load_model(node).model(_Dbt(node, relations, spark, connection), connection)
        if isinstance(result, duckdb.DuckDBPyRelation):
            result = result.to_arrow_table()
        if not isinstance(result, pa.Table):
            raise TypeError(f"model {node['name']} returned {type(result).__name__}, not Arrow")
    finally:
        connection.close()
    spark.createDataFrame(result).write.mode("overwrite").format("parquet").saveAsTable(
        relations[node["name"]]
    )
    return result.num_rows


def model_relations(manifest: dict) -> dict[str, str]:
    """Model name -> the Spark table dbt builds it as (schema.alias)."""
    return {
        node["name"]: f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }


def run(spark, manifest: dict, names: Iterable[str] | None = None) -> dict[str, int]:
    """Run the Python models (all, or those named) in dependency order on ``spark``."""
    relations = model_relations(manifest)
    wanted = set(names) if names is not None else None
    written = {}
    for node in python_models(manifest):
        if wanted is not None and node["name"] not in wanted:
            continue
        started = time.perf_counter()
        written[node["name"]] = run_model(node, relations, spark)
        logger.info(
            "%s: %d rows in %.1f s",
            node["name"],
            written[node["name"]],
            time.perf_counter() - started,
        )
    return written


def main(argv: list[str] | None = None) -> int:
    from retail_recs import spark_build

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="folder of the shop files (the source vars)"
    )
    parser.add_argument("--vars", type=json.loads, default=None, help="more dbt vars (JSON)")
    parser.add_argument("models", nargs="*", help="Python models to run (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    manifest = spark_build.parse(args.data, args.vars or {})
    spark = spark_build.session()
    written = run(spark, manifest, args.models or None)
    print(json.dumps(written, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
