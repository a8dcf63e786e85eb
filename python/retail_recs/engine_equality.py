"""Are two builds of the project, on DuckDB and on Spark, the same warehouse?

Every table is compared as a multiset of rows: row counts, column names, then the rows
sorted the same way on both sides and compared cell by cell. Text, integers, booleans,
dates and timestamps must be equal (ranks included); floating-point numbers, alone or in
arrays (SVD factors), equal within a relative tolerance of 1e-9 (the engines sum in
different orders, nothing more may differ), or 1e-9 absolute for numbers rounded to their
last decimals. Sorting rounds floats to 6 significant digits,
so float sums that differ in their last bits still pair up the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from retail_recs.salts import salt_values

RELATIVE_TOLERANCE = 1e-9
# Scores are rounded to 9-12 decimals (README, decision log), and a sum that differs in its
# last bit between engines can round to the neighbouring unit: below this absolute
# difference numbers count as equal.
ABSOLUTE_TOLERANCE = 1e-9
SAMPLES_SHOWN = 3


@dataclass(frozen=True)
class Difference:
    table: str
    what: str

    def __str__(self) -> str:
        return f"{self.table}: {self.what}"


def normalized(table: pa.Table) -> pa.Table:
    """One Arrow form for both engines: lower-case names, timestamps as naive UTC
    microseconds, decimals as doubles, large strings as strings, dictionaries decoded."""
    columns, names = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = column.type
        if pa.types.is_timestamp(kind):
            column = column.cast(pa.timestamp("us", tz=kind.tz)).cast(pa.timestamp("us"))
        elif pa.types.is_decimal(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_large_string(kind):
            column = column.cast(pa.string())
        elif pa.types.is_floating(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_integer(kind):
            column = column.cast(pa.int64())
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            value_type = kind.value_type
            if pa.types.is_floating(value_type) or pa.types.is_decimal(value_type):
                column = column.cast(pa.list_(pa.float64()))
        columns.append(column)
        names.append(name.lower())
    return pa.table(columns, names=names)


def _is_float(kind: pa.DataType) -> bool:
    return pa.types.is_floating(kind) or (
        pa.types.is_list(kind) and pa.types.is_floating(kind.value_type)
    )


def _sort_key(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as a sort key that pairs rows across engines: floats rounded to 6
    significant digits, arrays by their first element, everything else as is."""
    kind = column.type
    if pa.types.is_list(kind):
        column = (
            pc.list_element(pc.list_slice(column, 0, 1).fill_null([]), 0)
            if len(column)
            else pa.chunked_array([], pa.float64())
        )
        kind = column.type
    if pa.types.is_floating(kind):
        values = column.to_numpy(zero_copy_only=False).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            magnitude = np.where(
                np.isfinite(values) & (values != 0),
                np.floor(np.log10(np.abs(values))),
                0,
            )
            rounded = np.round(values / 10**magnitude, 5) * 10**magnitude
        return pa.chunked_array([pa.array(rounded, mask=pc.is_null(column).to_numpy())])
    return column


def sorted_rows(table: pa.Table) -> pa.Table:
    """The rows in one canonical order: by every column, exact ones first."""
    exact = [name for name in table.column_names if not _is_float(table.schema.field(name).type)]
    approximate = [name for name in table.column_names if name not in exact]
    keys = {
        f"__key_{index}": _sort_key(table[name]) for index, name in enumerate(exact + approximate)
    }
    if not keys or table.num_rows == 0:
        return table
    with_keys = table
    for key, values in keys.items():
        with_keys = with_keys.append_column(key, values)
    order = pc.sort_indices(with_keys, sort_keys=[(key, "ascending", "at_end") for key in keys])
    return table.take(order)


def _floats_close(left: float | None, right: float | None, tolerance: float) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if math.isnan(left) or math.isnan(right):
        return math.isnan(left) and math.isnan(right)
    return math.isclose(left, right, rel_tol=tolerance, abs_tol=ABSOLUTE_TOLERANCE)


def _cells_equal(left, right, kind: pa.DataType, tolerance: float) -> bool:
    if pa.types.is_floating(kind):
        return _floats_close(left, right, tolerance)
    if pa.types.is_list(kind) and pa.types.is_floating(kind.value_type):
        if left is None or right is None:
            return left is None and right is None
        return len(left) == len(right) and all(
            _floats_close(a, b, tolerance) for a, b in zip(left, right, strict=True)
        )
    return left == right


def compare_table(
    name: str, duckdb_rows: pa.Table, spark_rows: pa.Table, tolerance: float = RELATIVE_TOLERANCE
) -> list[Difference]:
    """The differences between one table's two builds (none when they are the same)."""
    left, right = normalized(duckdb_rows), normalized(spark_rows)
    if left.num_rows != right.num_rows:
        return [Difference(name, f"{left.num_rows} rows on DuckDB, {right.num_rows} on Spark")]
    if sorted(left.column_names) != sorted(right.column_names):
        return [
            Difference(
                name, f"columns {left.column_names} on DuckDB, {right.column_names} on Spark"
            )
        ]
    right = right.select(left.column_names)
    left, right = sorted_rows(left), sorted_rows(right)
    differences = []
    for column in left.column_names:
        kind = left.schema.field(column).type
        if not _is_float(kind) and right.schema.field(column).type != kind:
            right_column = right[column].cast(kind)
        else:
            right_column = right[column]
        left_values, right_values = left[column].to_pylist(), right_column.to_pylist()
        mismatched = [
            index
            for index, (a, b) in enumerate(zip(left_values, right_values, strict=True))
            if not _cells_equal(a, b, kind, tolerance)
        ]
        if mismatched:
            samples = "; ".join(
                f"{left_values[index]!r} vs {right_values[index]!r}"
                for index in mismatched[:SAMPLES_SHOWN]
            )
            differences.append(
                Difference(
                    name, f"column {column} differs in {len(mismatched)} rows (e.g. {samples})"
                )
            )
    return differences


def compared_relations(duckdb_manifest: dict, spark_manifest: dict) -> dict[str, tuple[str, str]]:
    """Every model and seed that is a table or a view on both engines: name -> (DuckDB
    relation, Spark relation). Ephemeral models have no relation to read."""
    from retail_recs.spark_python import model_relations

    def materialized(manifest: dict) -> dict[str, str]:
        relations = model_relations(manifest)
        return {
            node["name"]: relations[node["name"]]
            for node in manifest["nodes"].values()
            if node["resource_type"] in ("model", "seed")
            and node["config"].get("materialized") != "ephemeral"
        }

    on_duckdb, on_spark = materialized(duckdb_manifest), materialized(spark_manifest)
    return {
        name: (on_duckdb[name], on_spark[name]) for name in sorted(on_duckdb) if name in on_spark
    }


def open_duckdb(path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a DuckDB build that reads its views as dbt does: with the
    salts bound (base_customers hashes contacts with them)."""
    connection = duckdb.connect(str(path), read_only=True)
    for name, value in salt_values().items():
        connection.execute(f"set variable {name} = ?", [value])
    return connection


def compare_warehouses(
    duckdb_connection,
    spark,
    relations: dict[str, tuple[str, str]],
    ignored_columns: Iterable[str] = (),
    tolerance: float = RELATIVE_TOLERANCE,
) -> list[Difference]:
    """The differences between the DuckDB and Spark builds of every relation, leaving out
    ``ignored_columns`` (such as build timestamps)."""
    ignored = set(ignored_columns)
    differences = []
    for name, (duckdb_relation, spark_relation) in relations.items():
        duckdb_rows = duckdb_connection.sql(f"select * from {duckdb_relation}").to_arrow_table()
        spark_rows = spark.table(spark_relation).toArrow()
        differences += compare_table(
            name,
            duckdb_rows.drop_columns([c for c in duckdb_rows.column_names if c in ignored]),
            spark_rows.drop_columns([c for c in spark_rows.column_names if c in ignored]),
            tolerance,
        )
    return differences
