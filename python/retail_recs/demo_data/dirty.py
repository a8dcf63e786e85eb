"""Planted data-quality problems of the event export, and the valid messiness around them.

Every dirty row is derived from one clean, non-bot row and carries exactly one defect, chosen
so that the warehouse's first matching rule (``DIRTY_REASONS`` is its precedence order) is the
one it was planted for. Counts are exact and recorded in the ground truth, so a cleaner can be
checked to the row.
"""

from __future__ import annotations

import logging

import numpy as np

from .config import ADD_TO_CART, PURCHASE, QUANTITY_NULL, SPAN_END_TS, VIEW
from .events import (
    INVALID_TYPE_CODES,
    ITEM_NULL,
    NON_PRODUCT_ITEMS,
    TS_GARBAGE,
    TS_ISO_PLUS1,
    TS_ISO_Z,
    TS_PLAIN,
    UNPARSEABLE_TIMESTAMPS,
    VARIANT_CODES,
    EventBlock,
)

logger = logging.getLogger(__name__)

# Rejection rules in the warehouse's precedence order (first match wins); the ground truth
# counts each, so a rule the demo plants no rows for must reject none of its rows.
DIRTY_REASONS: tuple[str, ...] = (
    "exact_duplicate",
    "missing_event_id",
    "missing_user_id",
    "missing_item_id",
    "unknown_event_type",
    "unparseable_timestamp",
    "future_timestamp",
    "timestamp_before_min_date",
    "unparseable_quantity",
    "unparseable_price",
    "non_finite_number",
    "non_integer_quantity",
    "non_positive_quantity",
    "quantity_above_max",
    "negative_price",
    "price_above_max",
    "non_product_item",
    "unknown_item",
    "bot_user",
    "repeated_event_id",
)

#: Planted defects as a fraction of the clean rows; count = round(rate x clean rows), exactly
#: (rounded on the running total, chunk by chunk). ``bot_user`` has no rate: its rows are the
#: bots' views (see ``bots``).
#:
#: - exact_duplicate: a byte-for-byte copy of a clean row (all ten columns).
#: - missing_event_id: event_id NULL.
#: - missing_user_id: user_id NULL on a view / add_to_cart row (no order_id: not a guest).
#: - missing_item_id: item_id NULL.
#: - unknown_event_type: event_type in INVALID_EVENT_TYPES ('hover', '', NULL, ...).
#: - unparseable_timestamp: event_at in UNPARSEABLE_TIMESTAMPS ('not a date', '', ...).
#: - future_timestamp: a well-formed event_at in FUTURE_YEARS.
#: - non_positive_quantity: a purchase with quantity 0, negative or NULL.
#: - negative_price: a purchase with unit_price < 0.
#: - non_product_item: item_id from NON_PRODUCT_ITEMS (postage, fees; not in items.parquet).
#: - unknown_item: an item_id beyond the catalogue (not in items.parquet).
#: - repeated_event_id: an existing event_id again, with a strictly later event_at (a replay);
#:   the earliest row is the one to keep.
DIRTY_RATES: dict[str, float] = {
    "exact_duplicate": 0.010,
    "missing_event_id": 0.0005,
    "missing_user_id": 0.002,
    "missing_item_id": 0.002,
    "unknown_event_type": 0.002,
    "unparseable_timestamp": 0.001,
    "future_timestamp": 0.001,
    "non_positive_quantity": 0.002,
    "negative_price": 0.0005,
    "non_product_item": 0.0005,
    "unknown_item": 0.002,
    "repeated_event_id": 0.003,
}

#: Valid messiness (must be accepted, not rejected), as a fraction of the clean rows:
#: event_type spelled as a variant ('  View ', 'PURCHASE ', 'pageview', 'refund', ...), and
#: event_at in ISO form with 'Z' or a '+01:00' offset (the same UTC instant).
VALID_MESSINESS_RATES: dict[str, float] = {
    "event_type_variants": 0.02,
    "iso_timestamps": 0.01,
}

FUTURE_YEARS = (2095, 2099)
_FUTURE_START_TS = 3_944_678_400  # 2095-01-01 00:00:00 UTC
_FUTURE_END_TS = 4_102_444_799  # 2099-12-31 23:59:59 UTC
BAD_QUANTITIES = np.array([0, -1, -2, -5, QUANTITY_NULL], dtype=np.int32)
NON_PRODUCT_PRICES = np.array([2.95, 3.95, 4.95, 0.35, 15.0])
# A replayed event arrives up to an hour after the original.
MAX_REPLAY_DELAY_S = 3600
# Unknown items are numbered just beyond the catalogue, up to this many ids further.
UNKNOWN_ITEM_SPAN = 9_000


def apply_valid_messiness(block: EventBlock, rng: np.random.Generator) -> dict[str, int]:
    """Respell some event types and write some timestamps in ISO form, in place.

    Parameters
    ----------
    block : EventBlock
        Clean rows of one chunk.
    rng : numpy.random.Generator
        The chunk's messiness stream.

    Returns
    -------
    dict
        Counts ``event_type_variants`` and ``iso_timestamps`` (rows changed).
    """
    n = len(block)
    variant = rng.random(n) < VALID_MESSINESS_RATES["event_type_variants"]
    for canonical, codes in VARIANT_CODES.items():
        rows = variant & (block.etype == canonical)
        block.etype_text[rows] = rng.choice(codes, size=int(rows.sum()))
    iso = rng.random(n) < VALID_MESSINESS_RATES["iso_timestamps"]
    block.ts_style[iso] = rng.choice([TS_ISO_Z, TS_ISO_PLUS1], size=int(iso.sum()))
    return {"event_type_variants": int(variant.sum()), "iso_timestamps": int(iso.sum())}


def target_counts(clean_rows_so_far: int, planted_so_far: dict[str, int]) -> dict[str, int]:
    """How many rows of each reason the next chunk plants.

    Rounding the running total (not each chunk) makes the grand total exactly
    ``round(rate x clean rows)``.
    """
    return {
        reason: max(0, round(rate * clean_rows_so_far) - planted_so_far.get(reason, 0))
        for reason, rate in DIRTY_RATES.items()
    }


def _candidates(clean: EventBlock, reason: str) -> np.ndarray:
    """Rows a reason may be derived from, so the copy breaks exactly its own rule."""
    known_user = clean.user >= 0
    browsing = (clean.etype == VIEW) | (clean.etype == ADD_TO_CART)
    purchase = clean.etype == PURCHASE
    if reason in ("exact_duplicate", "missing_event_id"):
        mask = np.ones(len(clean), dtype=bool)
    elif reason in ("missing_user_id", "unknown_event_type"):
        mask = known_user & browsing
    elif reason in ("non_positive_quantity", "negative_price", "non_product_item"):
        mask = known_user & purchase
    elif reason == "repeated_event_id":
        mask = known_user & (clean.ts <= SPAN_END_TS - MAX_REPLAY_DELAY_S)
    else:
        mask = known_user
    return np.flatnonzero(mask)


def inject_dirty(
    clean: EventBlock,
    counts: dict[str, int],
    n_items: int,
    next_event_no: int,
    rng: np.random.Generator,
) -> tuple[EventBlock, np.ndarray, dict[str, int], int]:
    """Derive the dirty rows of one chunk from its (numbered) clean rows.

    Parameters
    ----------
    clean : EventBlock
        Clean rows with event numbers assigned.
    counts : dict
        Rows wanted per reason (see ``target_counts``).
    n_items : int
        Catalogue size (unknown item ids start beyond it).
    next_event_no : int
        First unused event number; rows with a fresh event_id take the next ones.
    rng : numpy.random.Generator
        The chunk's dirty-events stream.

    Returns
    -------
    tuple
        ``(dirty rows, their sort times, counts planted, next unused event number)``.
        Sort times are the source rows' times, so dirty rows sit near their sources.
    """
    parts: list[EventBlock] = []
    sort_ts: list[np.ndarray] = []
    planted: dict[str, int] = {}
    for reason, wanted in counts.items():
        candidates = _candidates(clean, reason)
        k = min(wanted, len(candidates))
        if k < wanted:
            logger.warning("only %d of %d %s rows could be planted", k, wanted, reason)
        source = np.sort(rng.choice(candidates, size=k, replace=False))
        rows = clean.take(source)
        planted[reason] = k
        parts.append(rows)
        sort_ts.append(clean.ts[source])
        if reason == "exact_duplicate":
            continue
        # Otherwise a spotless row: canonical spelling, plain timestamp.
        rows.etype_text = rows.etype.astype(np.int16)
        rows.ts_style = np.full(k, TS_PLAIN, dtype=np.int16)
        if reason not in ("missing_event_id", "repeated_event_id"):
            rows.event_no = next_event_no + np.arange(k, dtype=np.int64)
            next_event_no += k
        if reason == "missing_event_id":
            rows.event_no[:] = -1
        elif reason == "missing_user_id":
            rows.user[:] = -1
        elif reason == "missing_item_id":
            rows.item[:] = ITEM_NULL
        elif reason == "unknown_event_type":
            rows.etype_text = rng.choice(INVALID_TYPE_CODES, size=k).astype(np.int16)
        elif reason == "unparseable_timestamp":
            garbage = rng.integers(0, len(UNPARSEABLE_TIMESTAMPS), k)
            rows.ts_style = (TS_GARBAGE + garbage).astype(np.int16)
        elif reason == "future_timestamp":
            rows.ts = rng.integers(_FUTURE_START_TS, _FUTURE_END_TS + 1, k)
        elif reason == "non_positive_quantity":
            rows.quantity = rng.choice(BAD_QUANTITIES, size=k)
        elif reason == "negative_price":
            rows.price = -rows.price
        elif reason == "non_product_item":
            rows.item = -2 - rng.integers(0, len(NON_PRODUCT_ITEMS), k)
            rows.price = rng.choice(NON_PRODUCT_PRICES, size=k)
            rows.quantity[:] = 1
        elif reason == "unknown_item":
            rows.item = n_items + rng.integers(0, UNKNOWN_ITEM_SPAN, k)
        elif reason == "repeated_event_id":
            rows.ts = rows.ts + rng.integers(1, MAX_REPLAY_DELAY_S + 1, k)
    return EventBlock.concat(parts), np.concatenate(sort_ts), planted, next_event_no
