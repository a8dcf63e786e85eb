"""retail_recs.compact: a build file rewritten after an erasure holds no byte of the erased
customer, while everything live stays readable (views included, under the same name)."""

from __future__ import annotations

import csv

import duckdb
import pytest

from retail_recs import compact
from tests.conftest import query
from tests.test_own_data import assert_no_stack_trace, build, tiny_shop

ERASED, KEPT = "erased-7f3a@example.org", "kept-91c2@example.org"


def warehouse_with_a_deleted_customer(db_path) -> None:
    """Uncompressed storage (DuckDB's compression would hide the bytes either way), an
    erasure request, and the erased customer's row deleted as an incremental build does."""
    con = duckdb.connect(str(db_path))
    con.execute("set force_compression = 'uncompressed'")
    con.execute(
        "create table customers as select 'user-' || i as user_id, 'c' || i || '@example.org'"
        " as email from range(50000) as r(i)"
    )
    con.execute("insert into customers values ('user-erased', ?), ('user-kept', ?)", [ERASED, KEPT])
    con.execute("create view base_erasure_requests as select 'user-erased' as user_id")
    con.execute("create view kept_customers as select * from customers where user_id like '%kept'")
    con.execute("checkpoint")
    con.execute("delete from customers where user_id = 'user-erased'")
    con.execute("checkpoint")
    con.close()


def test_a_rewrite_drops_the_freed_bytes_of_erased_rows(tmp_path):
    db_path = tmp_path / "w.duckdb"
    warehouse_with_a_deleted_customer(db_path)
    assert ERASED.encode() in db_path.read_bytes(), "deleted rows stay in freed blocks"
    assert compact.needs_rewrite(db_path)
    # Under a memory limit far below the file's size, as a build's var sets it.
    compact.compact(db_path, force_compression="uncompressed", memory_limit="16MB")
    data = db_path.read_bytes()
    assert ERASED.encode() not in data and KEPT.encode() in data
    assert query(db_path, "select email from kept_customers") == [(KEPT,)]
    assert not compact.needs_rewrite(db_path)
    assert not list(tmp_path.glob(f"{compact.TEMP_PREFIX}*"))


def test_the_rewrite_takes_the_builds_memory_limit():
    assert compact.duckdb_memory_limit(0.3) == "30%"
    assert compact.duckdb_memory_limit(0.125) == "12.5%"
    assert compact.duckdb_memory_limit("8GB") == "8GB"
    con = duckdb.connect()
    con.execute("set memory_limit = '100%'")
    machine = con.sql("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute("set memory_limit = ?", [compact.duckdb_memory_limit(0.5)])
    half = con.sql("select current_setting('memory_limit')").fetchall()[0][0]
    assert machine != half
    with pytest.raises(ValueError, match="retail_recs__memory_limit"):
        compact.duckdb_memory_limit(True)


@pytest.mark.slow
def test_a_build_that_applies_a_new_erasure_rewrites_the_file(tmp_path):
    folder = tiny_shop(tmp_path / "shop")
    db_path = tmp_path / "w.duckdb"
    first = build(folder, db_path)
    assert first.returncode == 0, first.stdout[-3000:]
    # A warehouse built from nothing is only stamped.
    assert query(db_path, f"select erasure_requests from {compact.RECORD_TABLE}") == [(0,)]
    with (folder / "erasure_requests.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("user_id", "requested_at"), ("C005", "2024-05-01")])
    second = build(folder, db_path)
    assert_no_stack_trace(second)
    assert second.returncode == 0, second.stdout[-3000:]
    assert query(db_path, f"select erasure_requests from {compact.RECORD_TABLE}") == [(1,)]
    assert query(db_path, "select count(*) from dim_customers where user_id = 'C005'") == [(0,)]
