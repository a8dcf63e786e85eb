"""Simulated responses to sent campaigns: what the email/SMS provider and the shop report back.

Usage::

    python -m retail_recs.demo_data.responses --db warehouse/retail_recs.duckdb \\
        --out data/demo [--seed 42]

reads a built warehouse (read-only: ``campaigns``, the eligible rows of ``campaign_audiences``
and ``customer_propensity``) and writes ``<out>/campaign_events.parquet`` (overwritten, in
``CAMPAIGN_EVENTS_SCHEMA``) and ``<out>/campaign_truth.json``. The same warehouse and seed give
byte-identical files; each campaign draws from its own stream, keyed by its id, so adding a
campaign leaves the others' responses unchanged.

The funnel of a treatment recipient (control recipients are not contacted; each gets one
``held_out`` event at the send time, the record of the holdout that email/SMS tools keep, e.g.
Braze's control-group enrolment):

- ``sent`` at 09:00 UTC on ``starts_on`` plus up to ``SEND_SPREAD_S``;
- ``delivered`` (``DELIVERY_RATE`` by channel) ``DELIVERY_DELAY_S`` later;
- email only: ``opened`` by ``OPEN_RATE`` of the delivered within ``OPEN_WINDOW_S``;
- ``clicked`` by ``CLICK_RATE['email']`` of the openers, or ``CLICK_RATE['sms']`` of the
  delivered (SMS has no opens), within ``CLICK_DELAY_S`` of the open / delivery;
- ``unsubscribed`` by ``UNSUBSCRIBE_RATE`` of the delivered within ``OPEN_WINDOW_S``.

The provider reports only what happens by the end of ``ends_on``: a response that would fall
later is not written (only short campaigns lose any).

Conversions (``converted``, with an order id ``C-<campaign_id>-<n>`` and a lognormal order
value, median ``ORDER_VALUE_MEDIAN``): every eligible recipient converts at most once in the
campaign window, with probability

    p0 = BASE_RATE + PROPENSITY_SLOPE x purchase_probability        (control)
    p1 = p0 + customer_uplift(offer, purchase_probability)          (treatment)

(a customer without a propensity score counts as probability 0). The uplift depends on the
customer: ``planted_uplift(offer) x UPLIFT_RESPONSIVENESS x (1 - purchase_probability)``, so an
offer persuades the customers who would not have bought anyway and barely moves the ones who
would (the case uplift targeting exists for). It is additive and ``p1 <= 0.03 + 0.3 + 0.3 < 1``
never clips, so the true average treatment effect of each campaign is the mean planted uplift
of its members (``planted_uplift`` in the truth file): the difference of the two groups'
conversion rates estimates it without bias. The treatment rate applies to every treated
recipient, delivered or not (an intention-to-treat effect, which is what a
treatment-vs-control comparison measures); a treated conversion happens after the delivery
(after the send when undelivered), a control one anywhere in the window.

A few planted dirty rows (one per ``DIRTY_REASONS`` entry, only when there is at least one real
event) exercise the warehouse's quarantine; ``campaign_truth.json`` counts them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from retail_recs.project import database_path

from .config import (
    DEFAULT_OUT,
    DEFAULT_SEED,
    SECONDS_PER_DAY,
    STREAM_RESPONSE_DIRTY,
    STREAM_RESPONSES,
    stream_rng,
)
from .generator import CAMPAIGN_EVENTS_FILE
from .ground_truth import write_ground_truth
from .writer import CAMPAIGN_EVENTS_SCHEMA, UTC_TIMESTAMP, fixed_width_ids, write_table

logger = logging.getLogger(__name__)

CAMPAIGN_TRUTH_FILE = "campaign_truth.json"
EVENT_TYPES: tuple[str, ...] = (
    "sent",
    "delivered",
    "opened",
    "clicked",
    "unsubscribed",
    "converted",
    "held_out",
)
SENT, DELIVERED, OPENED, CLICKED, UNSUBSCRIBED, CONVERTED, HELD_OUT = range(len(EVENT_TYPES))
CHANNELS: tuple[str, ...] = ("email", "sms")
OFFER_TYPES: tuple[str, ...] = ("percent", "fixed_amount", "free_shipping")
EVENT_PREFIX, EVENT_WIDTH = "CE", 10

# --- Funnel (treatment only) --------------------------------------------------------------------
SEND_HOUR_UTC = 9
SEND_SPREAD_S = 2 * 3600  # a large send goes out over two hours
DELIVERY_RATE: dict[str, float] = {"email": 0.97, "sms": 0.98}
DELIVERY_DELAY_S = (5, 600)
OPEN_RATE = 0.35  # of delivered emails
OPEN_WINDOW_S = 3 * SECONDS_PER_DAY
CLICK_RATE: dict[str, float] = {"email": 0.30, "sms": 0.08}  # of openers / of delivered SMS
CLICK_DELAY_S = (2, 3600)
UNSUBSCRIBE_RATE = 0.005  # of delivered

# --- Conversion ---------------------------------------------------------------------------------
BASE_RATE = 0.03
PROPENSITY_SLOPE = 0.3
UPLIFT_PER_PERCENT = 0.004  # 10% off -> +4 points
UPLIFT_PER_AMOUNT = 0.005  # 10 off -> +5 points
FREE_SHIPPING_UPLIFT = 0.02
MAX_UPLIFT = 0.15
# A customer's uplift is the offer's times UPLIFT_RESPONSIVENESS x (1 - purchase probability):
# twice the offer's for a customer certain not to buy, none for one certain to buy.
UPLIFT_RESPONSIVENESS = 2.5
ORDER_VALUE_MEDIAN = 60.0
ORDER_VALUE_SIGMA = 0.5

# --- Planted dirty rows, one each, in the warehouse's precedence order --------------------------
#: - exact_duplicate: a copy of a real row.
#: - missing_user_id: user_id NULL (fresh event_id).
#: - unknown_campaign: campaign_id 'no_such_campaign' (fresh event_id).
#: - unknown_event_type: event_type 'bounced_twice' (fresh event_id).
#: - unparseable_timestamp: event_at NULL (fresh event_id).
#: - invalid_order_value: a converted row (fresh event and order id) with order_value -5.
#: - repeated_event_id: a real row's event_id again, its event_at up to an hour later (a
#:   replay); the earliest row is the one to keep.
DIRTY_REASONS: tuple[str, ...] = (
    "exact_duplicate",
    "missing_user_id",
    "unknown_campaign",
    "unknown_event_type",
    "unparseable_timestamp",
    "invalid_order_value",
    "repeated_event_id",
)
BAD_EVENT_TYPE = "bounced_twice"
BAD_CAMPAIGN = "no_such_campaign"
BAD_ORDER_VALUE = -5.0
MAX_REPLAY_DELAY_S = 3600
REQUIRED_TABLES = ("campaigns", "campaign_audiences", "customer_propensity")


@dataclass(frozen=True)
class Campaign:
    """The seed row of one campaign, as far as the responses depend on it."""

    campaign_id: str
    channel: str
    offer_type: str
    offer_value: float | None
    starts_on: date
    ends_on: date

    @property
    def window(self) -> tuple[int, int]:
        """First and last second (Unix, UTC) of ``starts_on .. ends_on``, both inclusive."""
        epoch = date(1970, 1, 1)
        start = (self.starts_on - epoch).days * SECONDS_PER_DAY
        end = ((self.ends_on - epoch).days + 1) * SECONDS_PER_DAY - 1
        return start, end


@dataclass
class _Events:
    """Real events of one campaign as parallel columns."""

    user: np.ndarray  # index into the campaign's recipients
    kind: np.ndarray  # index into EVENT_TYPES
    ts: np.ndarray  # Unix seconds
    order_no: np.ndarray  # conversion number within the campaign, -1 for none
    value: np.ndarray  # order value, NaN for none


def planted_uplift(offer_type: str, offer_value: float | None) -> float:
    """Additive lift in conversion probability that an offer plants.

    ``percent``: ``UPLIFT_PER_PERCENT x offer_value``; ``fixed_amount``:
    ``UPLIFT_PER_AMOUNT x offer_value``; ``free_shipping``: ``FREE_SHIPPING_UPLIFT``; capped
    at ``MAX_UPLIFT``. A deliberately simple, monotone rule: bigger offers, bigger lift.

    Parameters
    ----------
    offer_type : str
        One of ``OFFER_TYPES``.
    offer_value : float or None
        Percent off, or amount off in the shop currency; ignored for free shipping.

    Returns
    -------
    float
        The uplift, in ``[0, MAX_UPLIFT]``.
    """
    if offer_type == "free_shipping":
        uplift = FREE_SHIPPING_UPLIFT
    elif offer_type in ("percent", "fixed_amount"):
        if offer_value is None or not np.isfinite(offer_value) or offer_value < 0:
            raise ValueError(f"{offer_type} offer needs a non-negative offer_value")
        rate = UPLIFT_PER_PERCENT if offer_type == "percent" else UPLIFT_PER_AMOUNT
        uplift = rate * offer_value
    else:
        raise ValueError(f"unknown offer_type {offer_type!r}; valid: {', '.join(OFFER_TYPES)}")
    return float(min(uplift, MAX_UPLIFT))


def customer_uplift(offer_uplift: float, propensity: np.ndarray) -> np.ndarray:
    """Each customer's planted uplift: ``offer_uplift x UPLIFT_RESPONSIVENESS x (1 - p)``.

    Parameters
    ----------
    offer_uplift : float
        ``planted_uplift`` of the campaign's offer.
    propensity : numpy.ndarray
        Purchase probability per customer (0 where unknown), clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        The additive lift in conversion probability per customer.
    """
    return offer_uplift * UPLIFT_RESPONSIVENESS * (1.0 - np.clip(propensity, 0.0, 1.0)) ** 2


def _campaign_rng(seed: int, campaign_id: str) -> np.random.Generator:
    """The campaign's own stream, keyed by its id (not its position among the campaigns)."""
    key = int.from_bytes(hashlib.sha256(campaign_id.encode("utf-8")).digest()[:8], "big")
    return stream_rng(seed, STREAM_RESPONSES, key)


def _later(start: np.ndarray, delay_s: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``start`` plus a uniform whole number of seconds in ``delay_s`` (bounds inclusive)."""
    return start + rng.integers(delay_s[0], delay_s[1] + 1, len(start))


def simulate_campaign(
    campaign: Campaign,
    treated: np.ndarray,
    propensity: np.ndarray,
    rng: np.random.Generator,
) -> _Events:
    """Funnel and conversion events of one campaign's eligible recipients.

    Every draw is made for every recipient, in a fixed order, so a recipient's events depend
    only on the seed, the campaign and their position in the user_id-sorted audience.

    Parameters
    ----------
    campaign : Campaign
        The campaign.
    treated : numpy.ndarray
        bool per recipient: treatment (True) or control group.
    propensity : numpy.ndarray
        Purchase probability per recipient (0 where unknown).
    rng : numpy.random.Generator
        The campaign's stream.

    Returns
    -------
    _Events
        The events, in no particular order.
    """
    n = len(treated)
    start, end = campaign.window
    sent = start + SEND_HOUR_UTC * 3600 + rng.integers(0, SEND_SPREAD_S + 1, n)
    delivered = treated & (rng.random(n) < DELIVERY_RATE[campaign.channel])
    delivered_at = _later(sent, DELIVERY_DELAY_S, rng)
    if campaign.channel == "email":
        opened = delivered & (rng.random(n) < OPEN_RATE)
        opened_at = _later(delivered_at, (1, OPEN_WINDOW_S), rng)
        clicked = opened & (rng.random(n) < CLICK_RATE["email"])
        clicked_at = _later(opened_at, CLICK_DELAY_S, rng)
    else:
        opened, opened_at = np.zeros(n, dtype=bool), delivered_at
        clicked = delivered & (rng.random(n) < CLICK_RATE["sms"])
        clicked_at = _later(delivered_at, CLICK_DELAY_S, rng)
    unsubscribed = delivered & (rng.random(n) < UNSUBSCRIBE_RATE)
    unsubscribed_at = _later(delivered_at, (1, OPEN_WINDOW_S), rng)
    # Nothing after the window is reported; a click needs its reported open.
    opened &= opened_at <= end
    clicked &= clicked_at <= end
    if campaign.channel == "email":
        clicked &= opened
    unsubscribed &= unsubscribed_at <= end

    p0 = BASE_RATE + PROPENSITY_SLOPE * np.clip(propensity, 0.0, 1.0)
    uplift = customer_uplift(planted_uplift(campaign.offer_type, campaign.offer_value), propensity)
    p = p0 + np.where(treated, uplift, 0.0)
    converted = rng.random(n) < p
    # Treated customers buy after the message reached them (or was sent); control any time.
    earliest = np.where(treated, np.where(delivered, delivered_at, sent) + 1, start)
    converted_at = earliest + np.floor(rng.random(n) * (end - earliest + 1)).astype(np.int64)
    values = np.round(
        np.exp(np.log(ORDER_VALUE_MEDIAN) + ORDER_VALUE_SIGMA * rng.standard_normal(n)), 2
    )

    masks = (treated, delivered, opened, clicked, unsubscribed, converted, ~treated)
    times = (sent, delivered_at, opened_at, clicked_at, unsubscribed_at, converted_at, sent)
    users = [np.flatnonzero(mask) for mask in masks]
    order_no = np.full(n, -1, dtype=np.int64)
    order_no[converted] = 1 + np.arange(int(converted.sum()))
    return _Events(
        user=np.concatenate(users),
        kind=np.concatenate([np.full(len(u), k) for k, u in enumerate(users)]),
        ts=np.concatenate([t[u] for t, u in zip(times, users, strict=True)]),
        order_no=np.concatenate(
            [order_no[u] if k == CONVERTED else np.full(len(u), -1) for k, u in enumerate(users)]
        ),
        value=np.concatenate(
            [values[u] if k == CONVERTED else np.full(len(u), np.nan) for k, u in enumerate(users)]
        ),
    )


def _read_campaigns(con: duckdb.DuckDBPyConnection) -> list[Campaign]:
    rows = con.execute(
        "select campaign_id, channel, offer_type, offer_value, starts_on, ends_on"
        " from main.campaigns order by campaign_id"
    ).fetchall()
    campaigns = [Campaign(*row) for row in rows]
    for c in campaigns:
        if c.channel not in CHANNELS:
            raise ValueError(f"campaign {c.campaign_id}: unknown channel {c.channel!r}")
        if c.ends_on < c.starts_on:
            raise ValueError(f"campaign {c.campaign_id}: ends_on is before starts_on")
    return campaigns


def _read_recipients(con: duckdb.DuckDBPyConnection) -> dict[str, np.ndarray]:
    return con.execute(
        """
        select a.campaign_id, a.user_id, a.experiment_group = 'treatment' as treated,
            coalesce(p.purchase_probability, 0.0) as propensity
        from main.campaign_audiences a
        left join main.customer_propensity p using (user_id)
        where a.is_eligible and a.experiment_group in ('treatment', 'control')
        order by a.campaign_id, a.user_id
        """
    ).fetchnumpy()


def _check_warehouse(db_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise LookupError(f"{db_path} has no table {', '.join(missing)}: build the campaigns")


def _events_table(
    campaigns: list[Campaign], recipients: list[np.ndarray], events: list[_Events]
) -> pa.Table:
    """All campaigns' real events in time order, numbered ``CE0000000001`` on."""
    campaign_no = np.concatenate([np.full(len(e.ts), i) for i, e in enumerate(events)])
    merged = _Events(
        *(np.concatenate([getattr(e, f) for e in events]) for f in _Events.__dataclass_fields__)
    )
    order = np.lexsort((merged.kind, merged.user, campaign_no, merged.ts))
    ids = [c.campaign_id for c in campaigns]
    users = np.concatenate([r[e.user] for r, e in zip(recipients, events, strict=True)])
    order_ids = [
        None if no < 0 else f"C-{ids[c]}-{no}"
        for c, no in zip(campaign_no[order], merged.order_no[order], strict=True)
    ]
    return pa.table(
        {
            "event_id": fixed_width_ids(EVENT_PREFIX, 1 + np.arange(len(order)), EVENT_WIDTH),
            "campaign_id": pa.array([ids[c] for c in campaign_no[order]], pa.string()),
            "user_id": pa.array(users[order].tolist(), pa.string()),
            "event_type": pa.array(EVENT_TYPES, pa.string()).take(pa.array(merged.kind[order])),
            "event_at": pa.array(merged.ts[order] * 1_000_000, pa.int64()).cast(UTC_TIMESTAMP),
            "order_id": pa.array(order_ids, pa.string()),
            "order_value": pa.array(
                merged.value[order], pa.float64(), mask=np.isnan(merged.value[order])
            ),
        },
        schema=CAMPAIGN_EVENTS_SCHEMA,
    )


def plant_dirty_rows(
    table: pa.Table, conversions: dict[str, int], rng: np.random.Generator
) -> tuple[pa.Table, dict[str, int]]:
    """Insert one dirty row per ``DIRTY_REASONS`` entry, each right after its source row.

    Each is a copy of a real row with exactly one defect, so that the warehouse's rule for it
    (and no earlier one) catches it. Nothing is planted into an empty table.

    Parameters
    ----------
    table : pyarrow.Table
        Real events in ``CAMPAIGN_EVENTS_SCHEMA``, ids ``CE`` + 1..n.
    conversions : dict
        Conversions per campaign id (the next order number of a fresh order id).
    rng : numpy.random.Generator
        The dirty-rows stream.

    Returns
    -------
    tuple
        ``(table with the dirty rows, count per reason)``.
    """
    n = table.num_rows
    if n == 0:
        return table, dict.fromkeys(DIRTY_REASONS, 0)
    k = len(DIRTY_REASONS)
    sources = rng.choice(n, size=k, replace=n < k)
    converted = np.flatnonzero(np.asarray(table.column("event_type")) == "converted")
    if len(converted):
        sources[DIRTY_REASONS.index("invalid_order_value")] = rng.choice(converted)
    rows = table.take(pa.array(sources)).to_pylist()
    fresh_ids = fixed_width_ids(EVENT_PREFIX, n + 1 + np.arange(k), EVENT_WIDTH).to_pylist()
    for reason, row, fresh_id in zip(DIRTY_REASONS, rows, fresh_ids, strict=True):
        if reason == "exact_duplicate":
            continue
        if reason == "repeated_event_id":
            row["event_at"] += timedelta(seconds=int(rng.integers(1, MAX_REPLAY_DELAY_S + 1)))
            continue
        row["event_id"] = fresh_id
        if reason == "missing_user_id":
            row["user_id"] = None
        elif reason == "unparseable_timestamp":
            row["event_at"] = None
        elif reason == "unknown_event_type":
            row["event_type"] = BAD_EVENT_TYPE
        elif reason == "unknown_campaign":
            row["campaign_id"] = BAD_CAMPAIGN
        elif reason == "invalid_order_value":
            conversions[row["campaign_id"]] = conversions.get(row["campaign_id"], 0) + 1
            row["event_type"] = "converted"
            row["order_id"] = f"C-{row['campaign_id']}-{conversions[row['campaign_id']]}"
            row["order_value"] = BAD_ORDER_VALUE
    dirty = pa.Table.from_pylist(rows, schema=CAMPAIGN_EVENTS_SCHEMA)
    position = np.concatenate((np.arange(n), sources))
    rank = np.concatenate((np.zeros(n), 1 + np.arange(k)))
    order = np.lexsort((rank, position))
    return pa.concat_tables([table, dirty]).take(pa.array(order)), dict.fromkeys(DIRTY_REASONS, 1)


def simulate_responses(
    db_path: str | Path, out: str | Path = DEFAULT_OUT, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Write ``campaign_events.parquet`` and ``campaign_truth.json`` for a built warehouse.

    Parameters
    ----------
    db_path : str or pathlib.Path
        The DuckDB warehouse (opened read-only).
    out : str or pathlib.Path
        Data folder (created); both files in it are overwritten.
    seed : int
        Non-negative seed; the same warehouse and seed give byte-identical files.

    Returns
    -------
    dict
        The truth, as written to ``campaign_truth.json``.
    """
    if seed < 0:
        raise ValueError("seed must be >= 0")
    db_path, out = Path(db_path), Path(out)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: build it first")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        _check_warehouse(db_path, con)
        campaigns = _read_campaigns(con)
        audience = _read_recipients(con)
    finally:
        con.close()

    recipients, events, summaries = [], [], {}
    for campaign in campaigns:
        rows = audience["campaign_id"] == campaign.campaign_id
        treated = np.asarray(audience["treated"][rows], dtype=bool)
        users = np.asarray(audience["user_id"][rows], dtype=object)
        propensity = np.asarray(audience["propensity"][rows], dtype=np.float64)
        offer_uplift = planted_uplift(campaign.offer_type, campaign.offer_value)
        found = simulate_campaign(
            campaign, treated, propensity, _campaign_rng(seed, campaign.campaign_id)
        )
        recipients.append(users)
        events.append(found)
        counts = np.bincount(found.kind, minlength=len(EVENT_TYPES))
        converted_users = found.user[found.kind == CONVERTED]
        summaries[campaign.campaign_id] = {
            "offer_uplift": offer_uplift,
            "planted_uplift": float(customer_uplift(offer_uplift, propensity).mean())
            if len(propensity)
            else offer_uplift,
            "treatment_recipients": int(treated.sum()),
            "control_recipients": int((~treated).sum()),
            "treatment_conversions": int(treated[converted_users].sum()),
            "control_conversions": int((~treated[converted_users]).sum()),
            "events": {name: int(k) for name, k in zip(EVENT_TYPES, counts, strict=True)},
        }
    unknown = sorted(set(audience["campaign_id"].tolist()) - set(summaries))
    if unknown:
        logger.warning("audience rows of campaigns not in the seed ignored: %s", unknown)

    table = (
        _events_table(campaigns, recipients, events)
        if campaigns
        else CAMPAIGN_EVENTS_SCHEMA.empty_table()
    )
    conversions = {cid: s["events"]["converted"] for cid, s in summaries.items()}
    table, dirty_counts = plant_dirty_rows(
        table, conversions, stream_rng(seed, STREAM_RESPONSE_DIRTY)
    )
    out.mkdir(parents=True, exist_ok=True)
    write_table(out / CAMPAIGN_EVENTS_FILE, table)
    truth: dict[str, Any] = {
        "seed": seed,
        "base_rate": BASE_RATE,
        "propensity_slope": PROPENSITY_SLOPE,
        "campaigns": summaries,
        "dirty_counts": dirty_counts,
        "rows": table.num_rows,
    }
    write_ground_truth(out / CAMPAIGN_TRUTH_FILE, truth)
    return truth


def load_campaign_truth(path: str | Path) -> dict[str, Any]:
    """Load ``campaign_truth.json`` (the file itself or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / CAMPAIGN_TRUTH_FILE
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return truth


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the CLI."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_recs.demo_data.responses",
        description="Simulate the responses to the campaigns of a built warehouse: write "
        "campaign_events.parquet and campaign_truth.json into the data folder.",
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="warehouse DuckDB file (default: RETAIL_RECS_DB)"
    )
    parser.add_argument("--out", default=DEFAULT_OUT, help="data folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (>= 0)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the simulator and print a one-line summary; 2 when the inputs are missing."""
    args = build_parser().parse_args(argv)
    try:
        truth = simulate_responses(args.db or database_path(), args.out, args.seed)
    except (FileNotFoundError, LookupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dirty = sum(truth["dirty_counts"].values())
    print(
        f"responses: wrote {truth['rows']:,} campaign events ({dirty} dirty) for "
        f"{len(truth['campaigns'])} campaigns to {Path(args.out) / CAMPAIGN_EVENTS_FILE} "
        f"(seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
