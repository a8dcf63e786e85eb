"""Tests of the synthetic data generator ``retail_recs.demo_data``.

The planted defects are recounted from the files with the warehouse's rules (same
precedence) and must match the ground truth exactly; the planted structure (funnel, baskets,
bought-together groups, repurchase cycles, seasonality, personas) must be measurable.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retail_recs.demo_data import (
    CAMPAIGN_EVENTS_SCHEMA,
    CUSTOMERS_SCHEMA,
    DIRTY_RATES,
    DIRTY_REASONS,
    ERASURE_RATE,
    ERASURE_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
    NON_PRODUCT_ITEMS,
    PERSONA_NAMES,
    generate,
    load_ground_truth,
)
from retail_recs.demo_data.__main__ import main

SIZES = {"customers": 400, "items": 150, "events": 20_000}
SEED = 42
PARQUET_FILES = (
    "events.parquet",
    "items.parquet",
    "customers.parquet",
    "customer_personas.parquet",
    "erasure_requests.parquet",
    "campaign_events.parquet",
)
EMAIL_RE = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")
# Spellings of event_type the warehouse maps (seed event_type_synonyms), lower-cased, trimmed.
SYNONYMS = {
    "view": "view",
    "pageview": "view",
    "page_view": "view",
    "product_view": "view",
    "add_to_cart": "add_to_cart",
    "addtocart": "add_to_cart",
    "add-to-cart": "add_to_cart",
    "purchase": "purchase",
    "order": "purchase",
    "buy": "purchase",
    "return": "return",
    "refund": "return",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, seed=SEED, **SIZES)
    return out


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict:
    return load_ground_truth(demo)


@pytest.fixture(scope="module")
def con(demo: Path) -> duckdb.DuckDBPyConnection:
    return classify(demo)


def classify(demo: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB with the files as views and every event row classified by the warehouse rules."""
    db = duckdb.connect()
    db.execute("set TimeZone = 'UTC'")
    for name in ("events", "items", "customers", "customer_personas", "erasure_requests"):
        db.execute(f"create view {name} as select * from read_parquet('{demo / name}.parquet')")
    synonyms = ", ".join(f"('{raw}', '{canon}')" for raw, canon in SYNONYMS.items())
    non_products = ", ".join(f"('{code}')" for code in NON_PRODUCT_ITEMS)
    db.execute(f"create table synonyms(raw, canon) as values {synonyms}")
    db.execute(f"create table non_products(code) as values {non_products}")
    db.execute(
        """
        create table classified as
        with numbered as (
            select *, row_number() over () as row_no from events
        ),
        parsed as (
            select
                numbered.*,
                synonyms.canon,
                cast(timezone('UTC', try_cast(nullif(trim(event_at), '') as timestamptz))
                    as timestamp) as ts,
                row_number() over (
                    partition by event_id, user_id, item_id, event_type, event_at,
                        session_id, order_id, quantity, unit_price, channel
                    order by row_no
                ) as copy_no
            from numbered
            left join synonyms on lower(trim(numbered.event_type)) = synonyms.raw
        ),
        row_rules as (
            select *, case
                when copy_no > 1 then 'exact_duplicate'
                when event_id is null then 'missing_event_id'
                when user_id is null and order_id is null then 'missing_user_id'
                when item_id is null then 'missing_item_id'
                when canon is null then 'unknown_event_type'
                when ts is null then 'unparseable_timestamp'
                when year(ts) >= 2095 then 'future_timestamp'
                when canon = 'purchase' and not coalesce(quantity > 0, false)
                    then 'non_positive_quantity'
                when canon = 'return' and coalesce(quantity, 0) = 0
                    then 'non_positive_quantity'
                when unit_price < 0 then 'negative_price'
                when item_id in (select code from non_products) then 'non_product_item'
                when item_id not in (select item_id from items where item_id is not null)
                    then 'unknown_item'
            end as reason
            from parsed
        ),
        bots as (
            select user_id from row_rules
            where reason is null and user_id is not null
            group by user_id
            having count(*) filter (where canon = 'view') >= 1000
                and count(*) filter (where canon = 'purchase') = 0
        ),
        user_rules as (
            select row_rules.* replace (
                coalesce(reason, case when bots.user_id is not null then 'bot_user' end)
                    as reason
            )
            from row_rules left join bots using (user_id)
        )
        select * replace (
            coalesce(reason, case when row_number() over (
                partition by event_id, reason is null order by ts, row_no
            ) > 1 then 'repeated_event_id' end) as reason
        )
        from user_rules
        """
    )
    db.execute("create view kept as select * from classified where reason is null")
    return db


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return con.execute(sql).fetchone()[0]


def _kept_where(con: duckdb.DuckDBPyConnection, condition: str) -> int:
    """Accepted rows (no rejection reason) matching ``condition``."""
    return int(_scalar(con, f"select count(*) from kept where {condition}"))


# --- determinism and CLI ----------------------------------------------------------------------


def test_same_arguments_give_identical_files(demo: Path, tmp_path: Path) -> None:
    generate(tmp_path, seed=SEED, **SIZES)
    for name in PARQUET_FILES:
        assert _sha256(demo / name) == _sha256(tmp_path / name), name
    first = json.loads((demo / "ground_truth.json").read_text())
    second = json.loads((tmp_path / "ground_truth.json").read_text())
    first["args"].pop("out"), second["args"].pop("out")
    assert first == second


def test_different_seed_gives_different_events(demo: Path, tmp_path: Path) -> None:
    generate(tmp_path, seed=SEED + 1, **SIZES)
    assert _sha256(demo / "events.parquet") != _sha256(tmp_path / "events.parquet")
    assert _sha256(demo / "customers.parquet") != _sha256(tmp_path / "customers.parquet")


def test_cli_writes_files_and_one_summary_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nested" / "demo"
    argv = ["--out", str(out), "--customers", "200", "--items", "120", "--events", "8000"]
    assert main([*argv, "--seed", "3"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "events" in lines[0]
    for name in (*PARQUET_FILES, "ground_truth.json"):
        assert (out / name).is_file()
    assert load_ground_truth(out / "ground_truth.json")["args"]["seed"] == 3


def test_invalid_arguments_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="seed"):
        generate(tmp_path, seed=-1, **SIZES)
    with pytest.raises(ValueError, match="items"):
        generate(tmp_path, customers=400, items=10, events=20_000, seed=1)


# --- erasure requests and the (empty) campaign events -------------------------------------------


def test_erasure_requests_match_the_ground_truth(
    demo: Path, con: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    assert pq.read_schema(demo / "erasure_requests.parquet").equals(ERASURE_SCHEMA)
    erasure = truth["erasure_requests"]
    assert truth["files"]["erasure_requests"] == "erasure_requests.parquet"
    ids = [u for (u,) in con.execute("select user_id from erasure_requests").fetchall()]
    assert ids == erasure["user_ids"] == sorted(set(ids))
    assert len(ids) == max(2, round(ERASURE_RATE * SIZES["customers"]))
    erased = "user_id in (select user_id from erasure_requests)"
    customer_rows = _scalar(con, f"select count(*) from customers where {erased}")
    assert customer_rows == erasure["customer_rows"] == len(ids)
    event_rows = _scalar(con, f"select count(*) from events where {erased}")
    assert event_rows == erasure["event_rows"] > 0
    # Requests arrive in the last 30 days of the span (UTC).
    first, last = con.execute(
        "select min(requested_at), max(requested_at) from erasure_requests"
    ).fetchone()
    assert first >= datetime(2025, 12, 2, tzinfo=timezone.utc)
    assert last <= datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def many_erasures(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """A data set with a quarter of the customers erased: a strong test of who is chosen."""
    out = tmp_path_factory.mktemp("erasures")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("retail_recs.demo_data.erasure.ERASURE_RATE", 0.25)
        generate(out, seed=SEED + 2, **SIZES)
    return classify(out)


@pytest.mark.parametrize("data", ["con", "many_erasures"])
def test_erased_customers_carry_no_planted_defect(
    data: str, request: pytest.FixtureRequest
) -> None:
    """Erasing them removes clean rows only, so every planted-defect count stays exact."""
    con: duckdb.DuckDBPyConnection = request.getfixturevalue(data)
    erased = "(select user_id from erasure_requests)"
    # No rejected row is theirs, or shares an event, session or order with theirs.
    touching = f"""
        select count(*) from classified bad
        where bad.reason is not null and (
            bad.user_id in {erased}
            or exists (
                select 1 from classified own
                where own.user_id in {erased} and own.reason is null
                    and (own.event_id = bad.event_id or own.session_id = bad.session_id
                        or own.order_id = bad.order_id)))
    """
    assert _scalar(con, touching) == 0
    profiles = con.execute(
        f"select user_id, email, phone from customers where user_id in {erased}"
    ).fetchall()
    assert len({u for u, _, _ in profiles}) == len(profiles) >= 2
    for _, email, phone in profiles:
        assert EMAIL_RE.fullmatch(email)
        assert re.fullmatch(r"\+?[0-9]{7,15}", re.sub(r"[^0-9+]", "", phone))
    buyers = f"""
        select count(distinct user_id) from kept
        where canon = 'purchase' and user_id in {erased}
    """
    assert _scalar(con, buyers) == len(profiles)


def test_campaign_events_file_is_empty_with_its_schema(demo: Path, truth: dict) -> None:
    table = pq.read_table(demo / "campaign_events.parquet")
    assert table.num_rows == 0 and table.schema.equals(CAMPAIGN_EVENTS_SCHEMA)
    assert table.schema.field("event_at").type == pa.timestamp("us", tz="UTC")
    assert truth["files"]["campaign_events"] == "campaign_events.parquet"


# --- schemas and sizes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("events", EVENTS_SCHEMA),
        ("items", ITEMS_SCHEMA),
        ("customers", CUSTOMERS_SCHEMA),
    ],
)
def test_schema(demo: Path, name: str, schema: pa.Schema) -> None:
    actual = pq.read_schema(demo / f"{name}.parquet")
    assert actual.names == schema.names
    assert [f.type for f in actual] == [f.type for f in schema]


def test_row_counts_and_event_total(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    counts = truth["row_counts"]
    assert _scalar(con, "select count(*) from events") == counts["events"]
    assert _scalar(con, "select count(*) from items") == counts["items"]
    assert _scalar(con, "select count(*) from customers") == counts["customers"]
    assert abs(counts["events"] - SIZES["events"]) <= 0.10 * SIZES["events"]
    assert counts["events"] == truth["events_clean"] + sum(truth["dirty_counts"].values())


def test_ids_and_formats(con: duckdb.DuckDBPyConnection) -> None:
    plain = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
    iso = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|\+01:00)"
    violations = [
        "not regexp_full_match(event_id, 'E[0-9]{10}')",
        "not regexp_full_match(user_id, '[UB][0-9]{6,7}')",
        "not regexp_full_match(item_id, 'I[0-9]{6}')",
        "not regexp_full_match(session_id, 'S[0-9]+')",
        "not regexp_full_match(order_id, 'O[0-9]+')",
        "canon in ('view', 'add_to_cart') and order_id is not null",
        "canon in ('purchase', 'return') and (order_id is null or quantity is null)",
        "canon = 'view' and quantity is not null",
        "canon = 'add_to_cart' and quantity <> 1",
        "channel not in ('web', 'app', 'store')",
        f"not regexp_full_match(event_at, '{plain}|{iso}')",
        "ts < '2024-01-01' or ts >= '2026-01-01'",
    ]
    for condition in violations:
        assert _kept_where(con, condition) == 0, condition


# --- planted defects ------------------------------------------------------------------------


def test_dirty_counts_match_ground_truth(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    found = dict(
        con.execute(
            "select reason, count(*) from classified where reason is not null group by 1"
        ).fetchall()
    )
    assert set(truth["dirty_counts"]) == set(DIRTY_REASONS)
    assert {r: found.get(r, 0) for r in DIRTY_REASONS} == truth["dirty_counts"]
    assert _scalar(con, "select count(*) from kept") == truth["events_clean"]


def test_simple_recounts(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    dirty = truth["dirty_counts"]
    distinct = _scalar(con, "select count(*) from (select distinct * from events)")
    assert truth["row_counts"]["events"] - distinct == dirty["exact_duplicate"]
    assert (
        _scalar(con, "select count(*) from events where event_id is null")
        == dirty["missing_event_id"]
    )
    future = "select count(*) from classified where year(ts) >= 2095"
    assert _scalar(con, future) == dirty["future_timestamp"]
    non_product = f"select count(*) from events where item_id in {tuple(NON_PRODUCT_ITEMS)}"
    assert _scalar(con, non_product) == dirty["non_product_item"]
    unknown = f"""select count(*) from events where item_id is not null
        and item_id not in (select item_id from items where item_id is not null)
        and item_id not in {tuple(NON_PRODUCT_ITEMS)}"""
    assert _scalar(con, unknown) == dirty["unknown_item"]
    bots = "select count(*) from events where user_id like 'B%'"
    assert _scalar(con, bots) == dirty["bot_user"]
    assert sorted(truth["bot_user_ids"]) == [
        r[0]
        for r in con.execute(
            "select distinct user_id from events where user_id like 'B%' order by 1"
        ).fetchall()
    ]


def test_dirty_rates(truth: dict) -> None:
    clean = truth["events_clean"]
    for reason, rate in DIRTY_RATES.items():
        assert truth["dirty_counts"][reason] == round(rate * clean), reason
    assert truth["rates"]["dirty_events"] == DIRTY_RATES
    n_bots = max(2, SIZES["customers"] // 1000)
    assert len(truth["bot_user_ids"]) == n_bots
    assert 1500 * n_bots <= truth["dirty_counts"]["bot_user"] <= 4000 * n_bots


def test_valid_messiness_is_kept(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    messy = truth["valid_messiness"]
    assert _kept_where(con, "event_type <> canon") == messy["event_type_variants"]
    assert _kept_where(con, "event_at like '%T%'") == messy["iso_timestamps"]
    assert _kept_where(con, "user_id is null") == messy["guest_checkout_rows"]
    assert _kept_where(con, "user_id is null and order_id is null") == 0
    assert _kept_where(con, "user_id is null and canon not in ('purchase', 'return')") == 0
    clean = truth["events_clean"]
    assert 0.01 < messy["event_type_variants"] / clean < 0.03
    assert 0.005 < messy["iso_timestamps"] / clean < 0.015
    guest_orders = _scalar(con, "select count(distinct order_id) from kept where user_id is null")
    orders = _scalar(con, "select count(distinct order_id) from kept")
    assert 0.015 < guest_orders / orders < 0.05


def test_iso_timestamps_mean_the_same_instant(con: duckdb.DuckDBPyConnection) -> None:
    # An ISO row and the plain rows of its order share one instant (order lines share a time).
    rows = con.execute(
        """
        select count(*), count(*) filter (where iso.ts <> plain.ts)
        from kept iso join kept plain using (order_id)
        where iso.event_at like '%T%' and plain.event_at not like '%T%'
            and iso.canon = 'purchase' and plain.canon = 'purchase'
        """
    ).fetchone()
    assert rows[0] > 0 and rows[1] == 0


def test_items_and_customers_defects(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    items = truth["items_dirty"]
    assert (
        _scalar(
            con,
            "select count(*) - (select count(*) from (select distinct * from items)) from items",
        )
        == items["exact_duplicate"]
    )
    assert (
        _scalar(con, "select count(*) from items where item_id is null")
        == items["missing_item_id"]
        >= 2
    )
    assert _scalar(con, "select count(distinct item_id) from items") == SIZES["items"]
    customers = truth["customers_dirty"]
    distinct_rows = "(select count(*) from (select distinct * from customers))"
    assert (
        _scalar(con, f"select count(*) - {distinct_rows} from customers")
        == customers["exact_duplicate"]
    )
    assert (
        _scalar(con, f"select {distinct_rows} - count(distinct user_id) from customers")
        == customers["repeated_user_id"]
    )
    assert _scalar(con, "select count(distinct user_id) from customers") == SIZES["customers"]
    inactive = _scalar(
        con, "select avg(case when is_active then 0 else 1 end) from (select distinct * from items)"
    )
    assert 0.0 < inactive < 0.12


# --- planted structure ----------------------------------------------------------------------


def test_funnel(con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(con.execute("select canon, count(*) from kept group by 1").fetchall())
    assert counts["view"] > counts["add_to_cart"] > counts["purchase"] > counts["return"] > 0
    returns = counts["return"] / counts["purchase"]
    assert 0.01 < returns < 0.03


def test_orders_are_baskets(con: duckdb.DuckDBPyConnection) -> None:
    lines = """
        select order_id, count(distinct item_id) as n, count(distinct ts) as times
        from kept where canon = 'purchase' group by 1
    """
    mean_lines, max_lines, max_times = con.execute(
        f"select avg(n), max(n), max(times) from ({lines})"
    ).fetchone()
    assert mean_lines > 1.5 and max_lines <= 6 and max_times == 1
    # Returns: same order and item as a purchase, later, never more units.
    bad = """
        select count(*) from kept r
        where r.canon = 'return' and not exists (
            select 1 from kept p where p.canon = 'purchase' and p.order_id = r.order_id
                and p.item_id = r.item_id and p.ts < r.ts and r.quantity <= p.quantity)
    """
    assert _scalar(con, bad) == 0


def test_planted_groups_cooccur(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    groups = truth["planted_groups"]
    assert len(groups) >= max(10, SIZES["items"] // 40)
    assert all(3 <= len(g) <= 5 for g in groups)
    baskets = con.execute(
        "select order_id, list(distinct item_id) from kept where canon = 'purchase' group by 1"
    ).fetchall()
    n_orders = len(baskets)
    support: dict[str, int] = {}
    pair_support: dict[tuple[str, str], int] = {}
    for _, items in baskets:
        items = sorted(items)
        for item in items:
            support[item] = support.get(item, 0) + 1
        for pair in combinations(items, 2):
            pair_support[pair] = pair_support.get(pair, 0) + 1
    observed = expected = 0.0
    for group in groups:
        for a, b in combinations(sorted(group), 2):
            observed += pair_support.get((a, b), 0)
            expected += support.get(a, 0) * support.get(b, 0) / n_orders
    assert observed / expected > 5


def test_consumables_are_rebought_on_cycle(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    cycles = truth["consumables"]
    assert abs(len(cycles) - 0.08 * SIZES["items"]) <= 2
    assert all(14 <= days <= 60 for days in cycles.values())
    gaps = con.execute(
        """
        select item_id, median(gap) as median_gap, count(*) as n from (
            select item_id,
                date_diff('second', lag(ts) over (partition by user_id, item_id order by ts), ts)
                    / 86400.0 as gap
            from kept where canon = 'purchase' and user_id is not null
        ) where gap is not null group by 1
        """
    ).fetchall()
    checked = [(item, gap) for item, gap, n in gaps if item in cycles and n >= 3]
    assert len(checked) >= 3
    for item, gap in checked:
        assert abs(gap - cycles[item]) <= 0.3 * cycles[item], item


def test_q4_peak(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    monthly = dict(con.execute("select month(ts), count(*) / 2 from kept group by 1").fetchall())
    average = sum(monthly.values()) / 12
    assert (monthly[11] + monthly[12]) / 2 > 1.2 * average
    assert truth["seasonality"]["monthly_multipliers"]["12"] > 1.0


def test_customer_profiles(con: duckdb.DuckDBPyConnection) -> None:
    late_signups = """
        select count(*) from customers c
        join (select user_id, min(ts) as first_ts from kept group by 1) e using (user_id)
        where cast(c.signup_at as timestamp) > e.first_ts
    """
    assert _scalar(con, late_signups) == 0
    emails = [r[0] for r in con.execute("select distinct user_id, email from customers").fetchall()]
    rows = con.execute("select distinct user_id, email, phone from customers").fetchall()
    valid = [e for _, e, _ in rows if e and EMAIL_RE.fullmatch(e.lower())]
    assert len(emails) and 0.95 < len(valid) / len(rows) < 1.0
    assert all(e.split("@")[1] in ("example.com", "example.org", "example.net") for e in valid)
    per_user = {u: e for u, e, _ in rows}
    good = [e for e in per_user.values() if e and EMAIL_RE.fullmatch(e)]
    assert len(good) == len(set(good)), "valid emails are unique per customer"
    phones = [
        p
        for _, _, p in {(u, None, p) for u, _, p in rows}
        if re.fullmatch(r"\+?[0-9]{7,15}", re.sub(r"[^0-9+]", "", p))
    ]
    assert len(phones) == len(set(phones)) > 0.95 * SIZES["customers"]
    countries = dict(con.execute("select country, count(*) from customers group by 1").fetchall())
    assert max(countries, key=countries.get) == "United Kingdom" and len(countries) >= 8
    assert 0.5 < _scalar(con, "select avg(email_opt_in::int) from customers") < 0.75
    assert 0.2 < _scalar(con, "select avg(sms_opt_in::int) from customers") < 0.4
    assert (
        _scalar(con, "select count(*) from customers where birth_year not between 1945 and 2006")
        == 0
    )
    assert 0.0 < _scalar(con, "select avg((birth_year is null)::int) from customers") < 0.1
    assert 0.0 < _scalar(con, "select avg((gender is null)::int) from customers") < 0.1


def test_no_customer_looks_like_a_bot(con: duckdb.DuckDBPyConnection) -> None:
    bot_like = """
        select count(*) from (
            select user_id from kept where user_id like 'U%' group by 1
            having count(*) filter (where canon = 'view') >= 1000
                and count(*) filter (where canon = 'purchase') = 0)
    """
    assert _scalar(con, bot_like) == 0


def test_items_carry_category_signal(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("select distinct category, description, price from items").fetchall()
    assert all(" > " in c for c, _, _ in rows)
    tops = {c.split(" > ")[0] for c, _, _ in rows}
    assert len(tops) == 8
    # The leaf name appears in every description: a content model finds the category.
    assert all(c.split(" > ")[1].lower() in d.lower() for c, d, _ in rows)
    grocery = np.median([p for c, _, p in rows if c.startswith("Grocery")])
    electronics = np.median([p for c, _, p in rows if c.startswith("Electronics")])
    assert electronics > 4 * grocery


def test_personas_are_recoverable_from_rfm(con: duckdb.DuckDBPyConnection, truth: dict) -> None:
    from scipy.cluster.vq import kmeans2
    from sklearn.metrics import adjusted_rand_score

    assert set(truth["personas"]) == set(PERSONA_NAMES)
    assert sum(truth["persona_counts"].values()) == SIZES["customers"]
    assert len(truth["customer_personas"]) == SIZES["customers"]
    rfm = con.execute(
        """
        with orders as (
            select user_id, order_id, min(ts) as ts, sum(quantity * unit_price) as value
            from kept where canon = 'purchase' and user_id like 'U%' group by 1, 2
        )
        select o.user_id, p.persona,
            date_diff('day', max(ts), timestamp '2026-01-01') as recency,
            count(*) as frequency, sum(value) as monetary
        from orders o join customer_personas p using (user_id) group by 1, 2 order by 1
        """
    ).fetchall()
    assert len(rfm) == SIZES["customers"], "everyone has at least one order"
    assert all(truth["customer_personas"][u] == p for u, p, *_ in rfm)
    features = np.log1p(np.array([r[2:] for r in rfm], dtype=np.float64))
    features = (features - features.mean(axis=0)) / features.std(axis=0)
    best_inertia, best_labels = np.inf, None
    for seed in range(10):
        centers, labels = kmeans2(features, 5, seed=seed, minit="++")
        inertia = float(((features - centers[labels]) ** 2).sum())
        if inertia < best_inertia:
            best_inertia, best_labels = inertia, labels
    assert adjusted_rand_score(np.array([r[1] for r in rfm]), best_labels) >= 0.8


def test_recent_history_predicts_purchases(con: duckdb.DuckDBPyConnection) -> None:
    """Customers who bought in H1 2025 buy in H2 2025 far more often than those who did not."""
    rates = con.execute(
        """
        with flags as (
            select user_id,
                bool_or(ts between '2025-01-01' and '2025-06-30') as before,
                bool_or(ts >= '2025-07-01') as after
            from kept where canon = 'purchase' and user_id like 'U%' group by 1
        )
        select avg(after::int) filter (where before), avg(after::int) filter (where not before)
        from flags
        """
    ).fetchone()
    assert rates[0] > 2 * rates[1]
