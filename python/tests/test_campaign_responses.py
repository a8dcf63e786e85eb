"""Tests of the campaign response simulator ``retail_recs.demo_data.responses``.

A small synthetic warehouse (only the columns the simulator reads) stands in for a dbt build.
The planted uplift must be recoverable: the treatment-minus-control conversion difference of
~20,000 recipients lies within three standard errors of it.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retail_recs.demo_data import CAMPAIGN_EVENTS_SCHEMA
from retail_recs.demo_data.responses import (
    BAD_ORDER_VALUE,
    CAMPAIGN_TRUTH_FILE,
    DIRTY_REASONS,
    EVENT_TYPES,
    MAX_UPLIFT,
    customer_uplift,
    load_campaign_truth,
    main,
    planted_uplift,
    simulate_responses,
)

SEED = 11
# (campaign_id, channel, offer_type, offer_value, starts_on, ends_on, eligible recipients)
CAMPAIGNS = (
    ("spring_email", "email", "percent", 20.0, date(2025, 3, 1), date(2025, 3, 14), 20_000),
    ("flash_sms", "sms", "fixed_amount", 10.0, date(2025, 4, 1), date(2025, 4, 1), 3_000),
    ("ship_email", "email", "free_shipping", None, date(2025, 5, 1), date(2025, 5, 7), 0),
)
INELIGIBLE_PER_CAMPAIGN = 200
FUNNEL = ("sent", "delivered", "opened", "clicked")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_warehouse(path: Path, campaigns=CAMPAIGNS, seed: int = 0) -> Path:
    """A DuckDB file with campaigns, campaign_audiences and customer_propensity.

    Each campaign gets its eligible recipients (half treatment, half control, at random) and
    ``INELIGIBLE_PER_CAMPAIGN`` ineligible ones; one customer in ten has no propensity. A
    customer's group and propensity depend only on the campaign and the customer.
    """
    audience: dict[str, list] = {
        "campaign_id": [],
        "user_id": [],
        "is_eligible": [],
        "experiment_group": [],
    }
    users: set[str] = set()
    for campaign_id, *_, n_eligible in campaigns:
        eligible = [f"U{i:07d}" for i in range(1, n_eligible + 1)]
        ineligible = [f"U{i:07d}" for i in range(900_000, 900_000 + INELIGIBLE_PER_CAMPAIGN)]
        rng = np.random.default_rng([seed, *campaign_id.encode()])
        treated = rng.random(n_eligible) < 0.5
        audience["campaign_id"] += [campaign_id] * (n_eligible + len(ineligible))
        audience["user_id"] += eligible + ineligible
        audience["is_eligible"] += [True] * n_eligible + [False] * len(ineligible)
        audience["experiment_group"] += ["treatment" if t else "control" for t in treated] + [
            None
        ] * len(ineligible)
        users.update(eligible + ineligible)
    scored = [u for u in sorted(users) if int(u[1:]) % 10]
    propensity = pa.table(
        {
            "user_id": scored,
            # Spread evenly over [0, 0.6) by a multiplicative hash of the customer number.
            "purchase_probability": [int(u[1:]) * 7919 % 1000 * 0.0006 for u in scored],
        }
    )
    seed_rows = pa.table(
        {
            "campaign_id": [c[0] for c in campaigns],
            "channel": [c[1] for c in campaigns],
            "offer_type": [c[2] for c in campaigns],
            "offer_value": pa.array([c[3] for c in campaigns], pa.float64()),
            "starts_on": [c[4] for c in campaigns],
            "ends_on": [c[5] for c in campaigns],
        }
    )
    audiences = pa.table(audience)
    con = duckdb.connect(str(path))
    try:
        for name, table in (
            ("campaigns", seed_rows),
            ("campaign_audiences", audiences),
            ("customer_propensity", propensity),
        ):
            con.register("incoming", table)
            con.execute(f"create table {name} as select * from incoming")
            con.unregister("incoming")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("warehouse") / "w.duckdb")


@pytest.fixture(scope="module")
def out(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("responses")
    simulate_responses(warehouse, folder, SEED)
    return folder


@pytest.fixture(scope="module")
def truth(out: Path) -> dict:
    return load_campaign_truth(out)


@pytest.fixture(scope="module")
def con(warehouse: Path, out: Path) -> duckdb.DuckDBPyConnection:
    """The events classified by the warehouse's rules (first match wins), and the audience."""
    db = duckdb.connect()
    db.execute("set TimeZone = 'UTC'")
    db.execute(f"attach '{warehouse}' as w (read_only)")
    db.execute("create table audience as select * from w.campaign_audiences")
    db.execute("create table campaigns as select * from w.campaigns")
    valid_types = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    db.execute(
        f"""
        create table classified as
        with numbered as (
            select *, row_number() over () as row_no
            from read_parquet('{out / "campaign_events.parquet"}')
        ),
        copies as (
            select *, row_number() over (
                partition by event_id, campaign_id, user_id, event_type, event_at, order_id,
                    order_value
                order by row_no
            ) as copy_no
            from numbered
        ),
        row_rules as (
            select *, case
                when copy_no > 1 then 'exact_duplicate'
                when user_id is null then 'missing_user_id'
                when event_at is null then 'unparseable_timestamp'
                when event_type not in ({valid_types}) then 'unknown_event_type'
                when campaign_id not in (select campaign_id from campaigns)
                    then 'unknown_campaign'
                when order_value < 0 then 'invalid_order_value'
            end as reason
            from copies
        )
        select * replace (
            coalesce(reason, case when row_number() over (
                partition by event_id, reason is null order by event_at, row_no
            ) > 1 then 'repeated_event_id' end) as reason
        )
        from row_rules
        """
    )
    db.execute(
        """
        create view kept as
        select k.*, a.experiment_group
        from classified k
        left join audience a using (campaign_id, user_id)
        where k.reason is null
        """
    )
    return db


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# --- determinism, files, CLI --------------------------------------------------------------------


def test_same_inputs_give_identical_files(warehouse: Path, out: Path, tmp_path: Path) -> None:
    simulate_responses(warehouse, tmp_path, SEED)
    for name in ("campaign_events.parquet", CAMPAIGN_TRUTH_FILE):
        assert _sha256(out / name) == _sha256(tmp_path / name), name


def test_another_seed_gives_other_events(warehouse: Path, out: Path, tmp_path: Path) -> None:
    simulate_responses(warehouse, tmp_path, SEED + 1)
    assert _sha256(out / "campaign_events.parquet") != _sha256(tmp_path / "campaign_events.parquet")


def test_schema_and_truth_totals(out: Path, truth: dict, con: duckdb.DuckDBPyConnection) -> None:
    assert pq.read_schema(out / "campaign_events.parquet").equals(CAMPAIGN_EVENTS_SCHEMA)
    assert truth["seed"] == SEED and truth["base_rate"] == 0.03
    assert truth["propensity_slope"] == 0.3
    assert list(truth["campaigns"]) == sorted(c[0] for c in CAMPAIGNS)
    (rows,) = _rows(con, "select count(*) from classified")[0]
    assert rows == truth["rows"]
    counted = dict(
        ((c, t), n)
        for c, t, n in _rows(
            con, "select campaign_id, event_type, count(*) from kept group by 1, 2"
        )
    )
    for campaign_id, summary in truth["campaigns"].items():
        for event_type, n in summary["events"].items():
            assert counted.get((campaign_id, event_type), 0) == n, (campaign_id, event_type)


def test_recipient_counts(truth: dict) -> None:
    for campaign_id, *_, n_eligible in CAMPAIGNS:
        summary = truth["campaigns"][campaign_id]
        assert summary["treatment_recipients"] + summary["control_recipients"] == n_eligible
    assert truth["campaigns"]["ship_email"]["events"] == dict.fromkeys(EVENT_TYPES, 0)


def test_cli(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", str(warehouse), "--out", str(tmp_path / "data"), "--seed", str(SEED)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "campaign events" in lines[0]
    assert load_campaign_truth(tmp_path / "data" / CAMPAIGN_TRUTH_FILE)["seed"] == SEED
    assert main(["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]) == 2
    assert "no warehouse" in capsys.readouterr().err


def test_missing_table_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    assert main(["--db", str(db), "--out", str(tmp_path)]) == 2
    assert "campaign_audiences" in capsys.readouterr().err


def test_no_recipients_give_an_empty_file_without_dirty_rows(tmp_path: Path) -> None:
    campaigns = tuple((*c[:-1], 0) for c in CAMPAIGNS)
    db = make_warehouse(tmp_path / "w.duckdb", campaigns)
    truth = simulate_responses(db, tmp_path / "out", SEED)
    table = pq.read_table(tmp_path / "out" / "campaign_events.parquet")
    assert table.num_rows == truth["rows"] == 0
    assert table.schema.equals(CAMPAIGN_EVENTS_SCHEMA)
    assert truth["dirty_counts"] == dict.fromkeys(DIRTY_REASONS, 0)


def test_customer_uplift_falls_with_the_chance_to_buy_anyway() -> None:
    # offer x 2.5 x (1 - p)^2: 0.08 x 2.5 = 0.2 at p = 0, a quarter of it at p = 0.5, none at 1.
    assert customer_uplift(0.08, np.array([0.0, 0.5, 1.0, -1.0, 2.0])) == pytest.approx(
        [0.2, 0.05, 0.0, 0.2, 0.0]
    )


def test_planted_uplift_rule() -> None:
    assert planted_uplift("percent", 20) == pytest.approx(0.08)
    assert planted_uplift("fixed_amount", 10) == pytest.approx(0.05)
    assert planted_uplift("free_shipping", None) == pytest.approx(0.02)
    assert planted_uplift("percent", 90) == MAX_UPLIFT == 0.15
    with pytest.raises(ValueError, match="free_shipping"):
        planted_uplift("bogof", 1)
    with pytest.raises(ValueError, match="offer_value"):
        planted_uplift("percent", None)


# --- who gets what ------------------------------------------------------------------------------


def test_only_eligible_customers_get_events(con: duckdb.DuckDBPyConnection) -> None:
    outsiders = """
        select count(*) from kept k
        where not exists (
            select 1 from audience a
            where a.campaign_id = k.campaign_id and a.user_id = k.user_id and a.is_eligible)
    """
    assert _rows(con, outsiders) == [(0,)]
    assert _rows(con, "select count(*) from kept where user_id >= 'U0900000'") == [(0,)]


def test_control_is_never_contacted(con: duckdb.DuckDBPyConnection) -> None:
    kinds = _rows(
        con,
        "select distinct event_type from kept where experiment_group = 'control' order by 1",
    )
    assert kinds == [("converted",), ("held_out",)]
    # Every control member is recorded as held out, once, like a treated one's send.
    per_control = _rows(
        con,
        """
        select count(*) filter (where h.n = 1), count(*)
        from audience a
        left join (
            select campaign_id, user_id, count(*) as n from kept where event_type = 'held_out'
            group by 1, 2
        ) h using (campaign_id, user_id)
        where a.is_eligible and a.experiment_group = 'control'
        """,
    )
    assert per_control[0][1] > 0 and per_control[0][0] == per_control[0][1]
    # Every treated recipient was sent the message, once.
    per_campaign = _rows(
        con,
        """
        select a.campaign_id, count(*) filter (where s.n = 1), count(*)
        from audience a
        left join (
            select campaign_id, user_id, count(*) as n from kept where event_type = 'sent'
            group by 1, 2
        ) s using (campaign_id, user_id)
        where a.experiment_group = 'treatment' group by 1
        """,
    )
    assert per_campaign and all(once == total for _, once, total in per_campaign)


def test_conversions(con: duckdb.DuckDBPyConnection) -> None:
    values = _rows(
        con,
        "select order_value from classified where event_type = 'converted'"
        " and (reason is null or reason = 'invalid_order_value')",
    )
    negative = [v for (v,) in values if v <= 0]
    assert negative == [BAD_ORDER_VALUE]
    assert all(v == round(v, 2) for (v,) in values)
    once = """
        select max(n) from (
            select count(*) as n from kept where event_type = 'converted'
            group by campaign_id, user_id)
    """
    assert _rows(con, once) == [(1,)]
    orders = _rows(
        con,
        "select count(*), count(distinct order_id), count(*) filter (where order_id not like"
        " 'C-' || campaign_id || '-%') from kept where event_type = 'converted'",
    )
    assert orders[0][0] == orders[0][1] and orders[0][2] == 0
    assert _rows(
        con, "select count(*) from kept where event_type <> 'converted' and order_id is not null"
    ) == [(0,)]
    median = _rows(con, "select median(order_value) from kept where event_type = 'converted'")
    assert 50 < median[0][0] < 70


def test_timestamps_within_the_campaign_window(con: duckdb.DuckDBPyConnection) -> None:
    outside = """
        select count(*) from kept k join campaigns c using (campaign_id)
        where k.event_at < c.starts_on::timestamptz
            or k.event_at >= (c.ends_on + 1)::timestamptz
    """
    assert _rows(con, outside) == [(0,)]
    sent_hours = _rows(
        con, "select min(hour(event_at)), max(hour(event_at)) from kept where event_type = 'sent'"
    )
    assert sent_hours == [(9, 11)]


def test_funnel_order_per_customer(con: duckdb.DuckDBPyConnection) -> None:
    steps = _rows(
        con,
        """
        select campaign_id, user_id,
            max(event_at) filter (where event_type = 'sent') as sent,
            max(event_at) filter (where event_type = 'delivered') as delivered,
            max(event_at) filter (where event_type = 'opened') as opened,
            max(event_at) filter (where event_type = 'clicked') as clicked,
            max(event_at) filter (where event_type = 'unsubscribed') as unsubscribed,
            max(event_at) filter (where event_type = 'converted') as converted,
            any_value(experiment_group) as grp
        from kept group by 1, 2
        """,
    )
    channel = {c[0]: c[1] for c in CAMPAIGNS}
    for campaign_id, _, sent, delivered, opened, clicked, unsub, converted, grp in steps:
        if grp == "control":
            continue
        assert sent is not None
        chain = [t for t in (sent, delivered, opened, clicked) if t is not None]
        assert chain == sorted(chain) and len(set(chain)) == len(chain)
        if opened is not None or clicked is not None or unsub is not None:
            assert delivered is not None
        if channel[campaign_id] == "email" and clicked is not None:
            assert opened is not None
        if channel[campaign_id] == "sms":
            assert opened is None
        if unsub is not None:
            assert unsub > delivered
        if converted is not None:
            assert converted > (delivered or sent)


def test_funnel_rates(truth: dict) -> None:
    email = truth["campaigns"]["spring_email"]
    events, n = email["events"], email["treatment_recipients"]
    assert events["sent"] == n
    assert abs(events["delivered"] / n - 0.97) < 0.01
    assert abs(events["opened"] / events["delivered"] - 0.35) < 0.02
    assert abs(events["clicked"] / events["opened"] - 0.30) < 0.03
    assert 0 < events["unsubscribed"] < 0.012 * events["delivered"]
    sms = truth["campaigns"]["flash_sms"]["events"]
    assert sms["opened"] == 0 and abs(sms["clicked"] / sms["delivered"] - 0.08) < 0.02


# --- planted dirt and planted effect ------------------------------------------------------------


def test_dirty_rows_are_caught_by_their_own_rule(
    con: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    found = dict(
        _rows(con, "select reason, count(*) from classified where reason is not null group by 1")
    )
    assert truth["dirty_counts"] == dict.fromkeys(DIRTY_REASONS, 1)
    assert found == truth["dirty_counts"]


def test_measured_uplift_matches_the_planted_one(
    con: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    rates = _rows(
        con,
        """
        select a.campaign_id, a.experiment_group, count(*) as n,
            count(c.user_id) as converted
        from audience a
        left join (select distinct campaign_id, user_id from kept where event_type = 'converted')
            c using (campaign_id, user_id)
        where a.is_eligible group by 1, 2
        """,
    )
    groups = {(c, g): (n, k) for c, g, n, k in rates}
    for campaign_id in ("spring_email", "flash_sms"):
        summary = truth["campaigns"][campaign_id]
        (n1, k1), (n0, k0) = groups[(campaign_id, "treatment")], groups[(campaign_id, "control")]
        assert (k1, k0) == (summary["treatment_conversions"], summary["control_conversions"])
        p1, p0 = k1 / n1, k0 / n0
        se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        assert abs((p1 - p0) - summary["planted_uplift"]) < 3 * se, campaign_id
    # The big campaign resolves its uplift well: the test is not passing on noise.
    n1, k1 = groups[("spring_email", "treatment")]
    n0, k0 = groups[("spring_email", "control")]
    assert n1 + n0 == 20_000 and (k1 / n1 - k0 / n0) > 0.05


def test_responses_do_not_depend_on_other_campaigns(out: Path, tmp_path: Path) -> None:
    """Each campaign's stream is keyed by its id: dropping the others leaves its events as
    they were (event ids aside, which number the whole file)."""
    simulate_responses(make_warehouse(tmp_path / "w.duckdb", CAMPAIGNS[:1]), tmp_path, SEED)
    valid_types = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    query = f"""
        select distinct user_id, event_type, event_at, order_id, order_value
        from read_parquet('{{}}')
        where campaign_id = 'spring_email' and user_id is not null and event_at is not null
            and event_type in ({valid_types}) and coalesce(order_value, 0) >= 0
        qualify row_number() over (partition by event_id order by event_at) = 1
    """
    con = duckdb.connect()
    alone = set(con.execute(query.format(tmp_path / "campaign_events.parquet")).fetchall())
    together = set(con.execute(query.format(out / "campaign_events.parquet")).fetchall())
    assert alone and alone == together


def test_event_times_are_utc_microseconds(out: Path) -> None:
    column = pq.read_table(out / "campaign_events.parquet").column("event_at")
    assert column.type == pa.timestamp("us", tz="UTC")
    first = column.drop_null()[0].as_py()
    assert first.tzinfo is not None and first.utcoffset() == timedelta(0)
    assert first >= datetime(2025, 3, 1, tzinfo=timezone.utc)
