"""Incremental staging and interactions: appending batches of events gives what a full
refresh of all of them gives (exactly, up to the last bits of float sums), including
duplicates sent again, a user who turns into a bot, a new version of an old event id, and an
erasure request (of a customer who shares an event id and an order with a kept one) and a
catalogue change between batches; a row later than the lookback fails the build instead of
being lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from retail_recs.build import run_dbt

from .conftest import WITHOUT_UNIT_TESTS, query

pytestmark = pytest.mark.slow

STAGING_AND_INTERACTIONS = [
    "--select",
    "resource_type:seed",
    "staging",
    "+marts.core",
    *WITHOUT_UNIT_TESTS,
    # Only tests whose parents are built here or upstream (seeds have tests on marts).
    "--indirect-selection",
    "buildable",
]
# Every table of the two layers that events feed, with its key.
COMPARED_TABLES = {
    "stg_events_checked": "row_key",
    "stg_events": "event_id",
    "stg_events_quarantine": "all",
    "int_interaction_totals": "user_id, item_id",
    "int_customer_activity": "user_id",
    "int_purchase_intervals": "user_id, item_id",
    "fct_interactions": "user_id, item_id",
    "fct_basket_items": "basket_id, item_id",
    "dim_customers": "user_id",
    "dim_items": "item_id",
}
# When the third batch's new version of an October event id happened.
REUSED_ID_AT = "2025-12-30 11:00:00"
# Low enough that a few dozen appended views turn a customer into a bot.
BOT_MIN_VIEWS = 60
EVENT_COLUMNS = (
    "event_id, user_id, item_id, event_type, event_at, session_id, order_id, quantity,"
    " unit_price, channel"
)
PARSED_AT = (
    "cast(timezone('UTC', try_cast(trim(cast(event_at as varchar)) as timestamptz)) as timestamp)"
)


def write_batches(demo: Path, out: Path) -> tuple[list[Path], str, str]:
    """The demo events cut at two dates into three batches; the third also re-sends 50 rows of
    the second. A new user views 40 times in the second batch (below the bot threshold) and 40
    more in the third: a bot from then on, so the second batch's views, outside the third
    run's lookback, must turn into bot_user rows too. The third batch also reuses the id of an
    October view at REUSED_ID_AT: a repeated_event_id only if its first version is read.

    Returns the paths, the customer to erase before the third batch and the order shared. In
    the second batch a kept customer sends a later version of one of that customer's
    first-batch purchases (same event id, another order: a repeated_event_id until the
    erasure) and buys the same item in the erased customer's order (a basket item that names
    the erased customer, the smaller id). Both are outside the third run's lookback: the
    erasure itself must re-check the first and rebuild the order as a full refresh sees it."""
    con = duckdb.connect()
    con.execute(
        f"create table e as select {EVENT_COLUMNS}, {PARSED_AT} as t "
        f"from read_parquet('{demo / 'events.parquet'}')"
    )
    # The most viewed item: surely a valid catalogue item.
    (item,) = con.execute(
        "select item_id from e group by item_id order by count(*) desc, item_id limit 1"
    ).fetchone()
    # A clean first-batch purchase of that item, in an order, by a customer with no request
    # yet (the one to erase), and a kept customer who sorts after it (so that the copy is the
    # later version of the event id).
    erasable_purchases = f"""
        select * from e
        where t < timestamp '2025-12-01' and item_id = '{item}' and event_type = 'purchase'
            and order_id = trim(order_id) and quantity > 0 and unit_price >= 0
            and user_id = trim(user_id) and user_id not in (
                select trim(user_id) from read_parquet('{demo / "erasure_requests.parquet"}')
                where user_id is not null
            )
    """
    (erased, shared_id, shared_order) = con.execute(
        f"select user_id, event_id, order_id from ({erasable_purchases})"
        " order by user_id, event_id limit 1"
    ).fetchone()
    (kept,) = con.execute(
        f"select min(user_id) from ({erasable_purchases}) where user_id > '{erased}'"
    ).fetchone()
    batches = [
        "t < timestamp '2025-12-20' or (t is null and hash(event_id) % 2 = 0)",
        "(t >= timestamp '2025-12-20' and t < timestamp '2025-12-26')"
        " or (t is null and hash(event_id) % 2 = 1)",
        "t >= timestamp '2025-12-26'",
    ]
    paths = []
    for number, condition in enumerate(batches, 1):
        path = out / f"batch_{number}.parquet"
        extra = ""
        if number == 2:
            extra = f"""
            union all select 'BOT-A' || i, 'U-BOT', '{item}', 'view',
                '2025-12-21 10:00:00', 'BOT-SESSION-A', null, null, null, 'web'
            from range(40) as r(i)
            union all select event_id, '{kept}', item_id, event_type, '2025-12-21 12:00:00',
                session_id, 'O-KEPT-COPY', quantity, unit_price, channel
            from e where event_id = '{shared_id}' and user_id = '{erased}'
            union all select 'SHARED-ORDER-1', '{kept}', item_id, 'purchase',
                '2025-12-21 12:00:00', session_id, order_id, 1, unit_price, channel
            from e where event_id = '{shared_id}' and user_id = '{erased}'
            """
        if number == 3:
            extra = f"""
            union all (select {EVENT_COLUMNS} from e
                where t >= timestamp '2025-12-24' and t < timestamp '2025-12-26'
                order by event_id limit 50)
            union all select 'BOT-B' || i, 'U-BOT', '{item}', 'view',
                '2025-12-30 10:00:00', 'BOT-SESSION', null, null, null, 'web'
            from range(40) as r(i)
            union all (select event_id, user_id, item_id, event_type, '{REUSED_ID_AT}',
                    session_id, order_id, quantity, unit_price, channel
                from e
                where t < timestamp '2025-11-01' and item_id = '{item}' and event_type = 'view'
                order by t, event_id limit 1)
            """
        con.execute(f"copy (select {EVENT_COLUMNS} from e where {condition} {extra}) to '{path}'")
        paths.append(path)
    return paths, erased, shared_order


def build(data: Path, db: Path, extra_args=()):
    variables = {
        **{
            f"retail_recs__{name}_location": str(data / f"{name}.parquet")
            for name in ("items", "customers", "erasure_requests", "campaign_events")
        },
        "retail_recs__events_location": str(data / "events_*.parquet"),
        "retail_recs__bot_min_views": BOT_MIN_VIEWS,
    }
    return run_dbt(
        "build", None, db, extra_vars=variables, extra_args=[*STAGING_AND_INTERACTIONS, *extra_args]
    )


def table(db: Path, name: str) -> list[tuple]:
    """Rows in key order, without the run stamp; floats to 9 significant digits (parallel sums
    differ in the last bits between builds)."""
    columns = query(db, f"select column_name, column_type from (describe {name})")
    selected = [
        f"round({column}, 8 - cast(floor(log10(greatest(abs({column}), 1e-12))) as integer))"
        if data_type == "DOUBLE"
        else column
        for column, data_type in columns
        if column != "refreshed_at"
    ]
    return query(db, f"select {', '.join(selected)} from {name} order by {COMPARED_TABLES[name]}")


@pytest.fixture(scope="module")
def batches(small_demo_data, tmp_path_factory) -> tuple[Path, list[Path]]:
    data = tmp_path_factory.mktemp("incremental_data")
    for name in ("items.parquet", "customers.parquet", "erasure_requests.parquet"):
        shutil.copy(small_demo_data / name, data / name)
    pq.write_table(
        pq.read_table(small_demo_data / "campaign_events.parquet").slice(0, 0),
        data / "campaign_events.parquet",
    )
    return data, *write_batches(small_demo_data, tmp_path_factory.mktemp("batches"))


def test_appended_batches_equal_a_full_refresh(batches, tmp_path):
    data, batch_files, erased, shared_order = batches
    incremental = tmp_path / "incremental.duckdb"
    for number, batch in enumerate(batch_files, 1):
        shutil.copy(batch, data / f"events_{number}.parquet")
        if number == 3:
            # An erasure filed between batches: a customer whose rows are already staged.
            requests = pq.read_table(data / "erasure_requests.parquet")
            added = pa.table(
                {"user_id": [erased], "requested_at": [requests.column("requested_at")[0]]},
                schema=requests.schema,
            )
            pq.write_table(pa.concat_tables([requests, added]), data / "erasure_requests.parquet")
            # The catalogue changes too: an item with accepted events leaves it, and an id
            # staged as unknown_item joins it.
            (gone,) = query(
                incremental,
                "select item_id from stg_events group by item_id"
                " order by count(*), item_id limit 1",
            )[0]
            (joined,) = query(
                incremental,
                "select item_id from stg_events_checked where rejection_reason = 'unknown_item'"
                " and item_id is not null group by item_id order by count(*) desc, item_id limit 1",
            )[0]
            catalogue = pq.read_table(data / "items.parquet")
            kept = catalogue.filter(pc.not_equal(catalogue.column("item_id"), gone))
            new_item = catalogue.slice(0, 1).set_column(
                0, "item_id", pa.array([joined], pa.string())
            )
            pq.write_table(pa.concat_tables([kept, new_item]), data / "items.parquet")
        assert build(data, incremental).success, f"incremental build {number} failed"
        if number == 2:
            # Below the threshold yet: the views are accepted interactions, until batch 3.
            assert query(
                incremental, "select count(*) from int_interaction_totals where user_id = 'U-BOT'"
            ) == [(1,)]
            # The kept customer's version of the purchase is the id's later one (rejected)
            # until the erasure of the first; the purchase in the shared order is accepted.
            assert query(
                incremental,
                "select order_id, rejection_reason from stg_events_checked"
                " where event_at = timestamp '2025-12-21 12:00:00' and user_id <> 'U-BOT'"
                " order by order_id = 'O-KEPT-COPY' desc",
            ) == [("O-KEPT-COPY", "repeated_event_id"), (shared_order, None)]
    full = tmp_path / "full.duckdb"
    assert build(data, full).success
    for name in COMPARED_TABLES:
        assert table(incremental, name) == table(full, name), name
    # The scenario exercised what it is meant to.
    rejected = dict(
        query(full, "select rejection_reason, count(*) from stg_events_checked group by 1")
    )
    assert rejected["exact_duplicate"] >= 50
    assert query(
        full,
        "select count(*) from stg_events_checked where user_id = 'U-BOT'"
        " and rejection_reason = 'bot_user'",
    ) == [(80,)]
    assert query(full, f"select count(*) from stg_events_checked where user_id = '{erased}'") == [
        (0,)
    ]
    # The kept version of the erased customer's purchase is accepted, and the order they
    # shared is the kept customer's alone.
    assert query(full, "select count(*) from stg_events where order_id = 'O-KEPT-COPY'") == [(1,)]
    assert query(
        full,
        f"select distinct user_id <> '{erased}' from fct_basket_items"
        f" where basket_id = 'order:{shared_order}'",
    ) == [(True,)]
    assert query(
        full,
        "select rejection_reason from stg_events_checked"
        f" where event_at = timestamp '{REUSED_ID_AT}'",
    ) == [("repeated_event_id",)]
    assert query(full, f"select count(*) from stg_events where item_id = '{gone}'") == [(0,)]
    assert query(full, f"select count(*) > 0 from stg_events where item_id = '{joined}'") == [
        (True,)
    ]


def test_a_row_later_than_the_lookback_fails_until_a_full_refresh(batches, tmp_path):
    data, batch_files, *_ = batches
    data = shutil.copytree(data, tmp_path / "data")
    for old in data.glob("events_*.parquet"):
        old.unlink()
    db = tmp_path / "late.duckdb"
    shutil.copy(batch_files[0], data / "events_1.parquet")
    assert build(data, db).success
    late = pq.read_table(batch_files[0]).slice(0, 1).to_pylist()[0]
    late.update(event_id="LATE-1", event_at="2024-06-01 10:00:00")
    pq.write_table(
        pa.Table.from_pylist([late], schema=pq.read_schema(batch_files[0])),
        data / "events_2.parquet",
    )
    result = build(data, db)
    assert not result.success
    failed = {r.node.name for r in result.result if r.status in ("fail", "error")}
    assert failed == {"assert_sources_reconcile"}
    assert build(data, db, ["--full-refresh"]).success
    assert query(db, "select count(*) from stg_events where event_id = 'LATE-1'") == [(1,)]
