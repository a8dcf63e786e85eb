"""Orchestration: catalogue, calibration, chunked simulation, defects, erasure requests, files,
ground truth."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import personas as personas_module
from . import seasonality
from .behaviour import (
    GUEST_ORDER_SHARE,
    PARTNER_PROB,
    REBUY_CONTINUE_PROB,
    REBUY_JITTER,
    RETURN_RATE,
    simulate_chunk,
)
from .bots import plan_bots, simulate_bots
from .catalog import (
    CONSUMABLE_RATE,
    INACTIVE_RATE,
    ITEM_DUPLICATE_RATE,
    ITEM_NULL_ID_RATE,
    Catalog,
    build_catalog,
)
from .config import (
    BOT_PREFIX,
    BOT_WIDTH,
    CALIBRATION_CHUNKS,
    CUSTOMER_CHUNK_SIZE,
    DEFAULT_CUSTOMERS,
    DEFAULT_EVENTS,
    DEFAULT_ITEMS,
    DEFAULT_OUT,
    DEFAULT_SEED,
    MIN_CUSTOMERS,
    MIN_ITEMS,
    PURCHASE,
    SPAN_END,
    SPAN_START,
    STREAM_BEHAVIOUR,
    STREAM_BOTS,
    STREAM_CATALOG,
    STREAM_CUSTOMERS,
    STREAM_DIRTY_EVENTS,
    STREAM_ERASURE,
    STREAM_MESSINESS,
    STREAM_PROFILES,
    VIEW,
    stream_rng,
)
from .customers import (
    CUSTOMER_DUPLICATE_RATE,
    CUSTOMER_REPEATED_ID_RATE,
    INVALID_EMAIL_RATE,
    INVALID_PHONE_RATE,
    CustomerChunk,
    add_profile_defects,
    draw_customers,
    persona_table,
    profile_table,
)
from .dirty import (
    DIRTY_RATES,
    DIRTY_REASONS,
    VALID_MESSINESS_RATES,
    apply_valid_messiness,
    inject_dirty,
    target_counts,
)
from .erasure import ERASURE_FILE, ERASURE_RATE, ErasureCandidates, choose_erasures
from .events import NON_PRODUCT_ITEMS, EventBlock
from .ground_truth import GROUND_TRUTH_FILE, PERSONAS_FILE, write_ground_truth
from .personas import PERSONA_NAMES
from .writer import (
    CAMPAIGN_EVENTS_SCHEMA,
    CUSTOMERS_SCHEMA,
    EVENTS_SCHEMA,
    PERSONAS_SCHEMA,
    events_to_table,
    fixed_width_ids,
    open_writer,
    write_table,
)

logger = logging.getLogger(__name__)

EVENTS_FILE = "events.parquet"
ITEMS_FILE = "items.parquet"
CUSTOMERS_FILE = "customers.parquet"
# Written empty here: responses exist only once a campaign was sent (see ``responses``).
CAMPAIGN_EVENTS_FILE = "campaign_events.parquet"
# The warehouse's bot rule; no real customer may look like this.
BOT_MIN_VIEWS = 1000
MAX_ITEMS = 990_000  # item ids have six digits, unknown ids go up to 9,000 beyond


@dataclass
class _Tally:
    """Running totals across chunks."""

    clean: int = 0
    planted: dict[str, int] = field(default_factory=dict)
    messiness: Counter[str] = field(default_factory=Counter)
    customer_rows: int = 0
    customer_defects: dict[str, int] = field(default_factory=dict)
    personas: Counter[str] = field(default_factory=Counter)
    next_event: int = 1
    next_session: int = 1
    next_order: int = 1
    erasure: ErasureCandidates = field(default_factory=ErasureCandidates)


def _chunks(n_customers: int) -> list[tuple[int, int]]:
    """(first customer code, size) of every chunk."""
    return [
        (first, min(CUSTOMER_CHUNK_SIZE, n_customers - first))
        for first in range(0, n_customers, CUSTOMER_CHUNK_SIZE)
    ]


def _simulate(
    seed: int, chunk_no: int, first: int, size: int, catalog: Catalog, scale: float
) -> tuple[CustomerChunk, EventBlock]:
    chunk = draw_customers(first, size, stream_rng(seed, STREAM_CUSTOMERS, chunk_no))
    clean = simulate_chunk(chunk, catalog, scale, stream_rng(seed, STREAM_BEHAVIOUR, chunk_no))
    return chunk, clean


def _calibrate(
    seed: int, chunks: list[tuple[int, int]], catalog: Catalog, clean_per_customer: float
) -> float:
    """Activity scale that makes the clean rows per customer hit ``clean_per_customer``.

    Rows grow about linearly with the scale (plus a floor: everyone orders once), so two
    trial runs of the leading chunks and a secant step land close; the chunks' own noise is
    what remains.
    """
    pilot = chunks[:CALIBRATION_CHUNKS]
    target = clean_per_customer * sum(size for _, size in pilot)

    def rows(scale: float) -> int:
        return sum(
            len(_simulate(seed, no, first, size, catalog, scale)[1])
            for no, (first, size) in enumerate(pilot)
        )

    s0 = 1.0
    r0 = rows(s0)
    s1 = s0 * target / r0
    r1 = rows(s1)
    s2 = s0 + (target - r0) * (s1 - s0) / (r1 - r0) if r1 != r0 else s1
    scale = float(np.clip(s2, s1 / 4, s1 * 4))
    logger.info("activity scale %.4f (trials: %.3f -> %d rows, %.3f -> %d)", scale, s0, r0, s1, r1)
    return max(scale, 1e-6)


def _assert_no_bot_like_customers(clean: EventBlock) -> None:
    users = clean.user[clean.user >= 0]
    kind = clean.etype[clean.user >= 0]
    uniques, inverse = np.unique(users, return_inverse=True)
    views = np.bincount(inverse, weights=kind == VIEW, minlength=len(uniques))
    orders = np.bincount(inverse, weights=kind == PURCHASE, minlength=len(uniques))
    bad = (views >= BOT_MIN_VIEWS) & (orders == 0)
    assert not bad.any(), f"{int(bad.sum())} customers look like bots (>= {BOT_MIN_VIEWS} views)"


def _offset(values: np.ndarray, start: int) -> tuple[np.ndarray, int]:
    """Shift non-NULL local numbers by ``start``; return them and the next free number."""
    present = values >= 0
    out = np.where(present, values + start, -1)
    return out, start + (int(values.max()) + 1 if present.any() else 0)


def generate(
    out: str | Path = DEFAULT_OUT,
    customers: int = DEFAULT_CUSTOMERS,
    items: int = DEFAULT_ITEMS,
    events: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Write the demo data set and its ground truth into ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
        Output directory (created; files in it are overwritten).
    customers : int
        Number of distinct customers.
    items : int
        Number of distinct catalogue items.
    events : int
        Target number of event rows, clean + dirty + bot (met within a few percent).
    seed : int
        Non-negative seed; the same arguments give byte-identical Parquet files.

    Returns
    -------
    dict
        The ground truth, as written to ``ground_truth.json``.
    """
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be >= {MIN_CUSTOMERS}")
    if not MIN_ITEMS <= items <= MAX_ITEMS:
        raise ValueError(f"items must be in [{MIN_ITEMS}, {MAX_ITEMS}]")
    if events < customers:
        raise ValueError("events must be >= customers (everyone has at least one order)")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    built = build_catalog(items, stream_rng(seed, STREAM_CATALOG))
    catalog = built.catalog
    write_table(out / ITEMS_FILE, built.table)

    bot_rng = stream_rng(seed, STREAM_BOTS)
    bot_views = plan_bots(customers, bot_rng)
    n_bot_rows = int(bot_views.sum())
    dirty_share = sum(DIRTY_RATES.values())
    clean_target = max(events - n_bot_rows, customers) / (1.0 + dirty_share)
    chunks = _chunks(customers)
    scale = _calibrate(seed, chunks, catalog, clean_target / customers)

    tally = _Tally()
    with (
        open_writer(out / EVENTS_FILE, EVENTS_SCHEMA) as events_writer,
        open_writer(out / CUSTOMERS_FILE, CUSTOMERS_SCHEMA) as customers_writer,
        open_writer(out / PERSONAS_FILE, PERSONAS_SCHEMA) as personas_writer,
    ):
        for chunk_no, (first, size) in enumerate(chunks):
            chunk, clean = _simulate(seed, chunk_no, first, size, catalog, scale)
            _assert_no_bot_like_customers(clean)
            tally.messiness.update(
                apply_valid_messiness(clean, stream_rng(seed, STREAM_MESSINESS, chunk_no))
            )
            tally.messiness["guest_checkout_rows"] += int(np.count_nonzero(clean.user < 0))
            n_clean = len(clean)
            clean.event_no = tally.next_event + np.arange(n_clean, dtype=np.int64)
            tally.next_event += n_clean
            clean.session, tally.next_session = _offset(clean.session, tally.next_session)
            clean.order, tally.next_order = _offset(clean.order, tally.next_order)
            tally.clean += n_clean

            wanted = target_counts(tally.clean, tally.planted)
            dirty, dirty_ts, planted, tally.next_event = inject_dirty(
                clean,
                wanted,
                items,
                tally.next_event,
                stream_rng(seed, STREAM_DIRTY_EVENTS, chunk_no),
            )
            for reason, k in planted.items():
                tally.planted[reason] = tally.planted.get(reason, 0) + k
            rows = EventBlock.concat([clean, dirty])
            order = np.argsort(np.concatenate((clean.ts, dirty_ts)), kind="stable")
            events_writer.write_table(events_to_table(rows.take(order)))

            # Clean rows are in time order, so a customer's first row is their first event.
            known = np.flatnonzero(clean.user >= 0)
            users, first_row = np.unique(clean.user[known], return_index=True)
            first_event = np.empty(size, dtype=np.int64)
            first_event[users - first] = clean.ts[known[first_row]]
            assert len(users) == size, "every customer has events"
            profile_rng = stream_rng(seed, STREAM_PROFILES, chunk_no)
            profiles = profile_table(chunk, first_event, profile_rng)
            n_dup = _running_round(CUSTOMER_DUPLICATE_RATE, first + size, tally, "exact_duplicate")
            n_rep = _running_round(
                CUSTOMER_REPEATED_ID_RATE, first + size, tally, "repeated_user_id"
            )
            profiles = add_profile_defects(profiles, n_dup, n_rep, profile_rng)
            customers_writer.write_table(profiles)
            tally.erasure.add_chunk(clean, dirty, profiles)
            tally.customer_rows += profiles.num_rows
            personas_writer.write_table(persona_table(chunk))
            tally.personas.update(np.array(PERSONA_NAMES)[chunk.persona].tolist())
            logger.debug("chunk %d: %d clean rows, %d dirty", chunk_no, n_clean, len(dirty))

        bots = simulate_bots(bot_views, items, bot_rng)
        bots.event_no = tally.next_event + np.arange(len(bots), dtype=np.int64)
        tally.next_event += len(bots)
        bots.session, tally.next_session = _offset(bots.session, tally.next_session)
        events_writer.write_table(events_to_table(bots))

    erasures, erasure_truth = choose_erasures(
        tally.erasure, customers, stream_rng(seed, STREAM_ERASURE)
    )
    write_table(out / ERASURE_FILE, erasures)
    write_table(out / CAMPAIGN_EVENTS_FILE, CAMPAIGN_EVENTS_SCHEMA.empty_table())

    dirty_counts = {reason: tally.planted.get(reason, 0) for reason in DIRTY_REASONS}
    dirty_counts["bot_user"] = n_bot_rows
    n_events = tally.clean + sum(dirty_counts.values())
    truth: dict[str, Any] = {
        "generator": "retail_recs.demo_data",
        "args": {
            "out": str(out),
            "customers": customers,
            "items": items,
            "events": events,
            "seed": seed,
        },
        "span": {"start": SPAN_START, "end": SPAN_END, "timezone": "UTC"},
        "files": {
            "events": EVENTS_FILE,
            "items": ITEMS_FILE,
            "customers": CUSTOMERS_FILE,
            "customer_personas": PERSONAS_FILE,
            "erasure_requests": ERASURE_FILE,
            "campaign_events": CAMPAIGN_EVENTS_FILE,
        },
        "row_counts": {
            "events": n_events,
            "items": built.table.num_rows,
            "customers": tally.customer_rows,
        },
        "distinct_counts": {"items": items, "customers": customers, "bots": len(bot_views)},
        "events_clean": tally.clean,
        "dirty_counts": dirty_counts,
        "valid_messiness": {
            "event_type_variants": tally.messiness["event_type_variants"],
            "guest_checkout_rows": tally.messiness["guest_checkout_rows"],
            "iso_timestamps": tally.messiness["iso_timestamps"],
        },
        "items_dirty": built.items_dirty,
        "customers_dirty": {
            "exact_duplicate": tally.customer_defects.get("exact_duplicate", 0),
            "repeated_user_id": tally.customer_defects.get("repeated_user_id", 0),
        },
        "rates": {
            "dirty_events": DIRTY_RATES,
            "valid_messiness": VALID_MESSINESS_RATES,
            "items": {
                "exact_duplicate": ITEM_DUPLICATE_RATE,
                "missing_item_id": ITEM_NULL_ID_RATE,
                "inactive": INACTIVE_RATE,
                "consumable": CONSUMABLE_RATE,
            },
            "customers": {
                "exact_duplicate": CUSTOMER_DUPLICATE_RATE,
                "repeated_user_id": CUSTOMER_REPEATED_ID_RATE,
                "invalid_email": INVALID_EMAIL_RATE,
                "invalid_phone": INVALID_PHONE_RATE,
                "erasure_requests": ERASURE_RATE,
            },
            "behaviour": {
                "guest_order_share": GUEST_ORDER_SHARE,
                "return_rate": RETURN_RATE,
                "partner_probability": PARTNER_PROB,
                "rebuy_continue_probability": REBUY_CONTINUE_PROB,
                "rebuy_interval_jitter_sd": REBUY_JITTER,
            },
        },
        "activity_scale": scale,
        "planted_groups": built.planted_groups,
        "consumables": built.consumables,
        "personas": personas_module.as_json(),
        "persona_counts": {name: tally.personas[name] for name in PERSONA_NAMES},
        "customer_personas": PERSONAS_FILE,
        "bot_user_ids": fixed_width_ids(
            BOT_PREFIX, np.arange(1, len(bot_views) + 1), BOT_WIDTH
        ).to_pylist(),
        "non_product_items": list(NON_PRODUCT_ITEMS),
        "seasonality": seasonality.as_json(),
        "erasure_requests": erasure_truth,
    }
    write_ground_truth(out / GROUND_TRUTH_FILE, truth)
    return truth


def _running_round(rate: float, rows_so_far: int, tally: _Tally, key: str) -> int:
    """Next chunk's count so the running total stays ``round(rate x rows so far)``."""
    done = tally.customer_defects.get(key, 0)
    k = max(0, round(rate * rows_so_far) - done)
    tally.customer_defects[key] = done + k
    return k
