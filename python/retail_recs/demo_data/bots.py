"""Crawler-like users: thousands of fast views, never a cart or an order.

Their rows look clean one by one; only the per-user pattern (>= 1000 views, no purchase)
gives them away, which is the warehouse's ``bot_user`` rule. Bots are not customers.
"""

from __future__ import annotations

import numpy as np

from .config import (
    BOT_USER_OFFSET,
    CHANNELS,
    QUANTITY_NULL,
    SECONDS_PER_DAY,
    SPAN_DAYS,
    SPAN_END_TS,
    SPAN_START_TS,
    VIEW,
)
from .events import TS_PLAIN, EventBlock

MIN_BOTS = 2
CUSTOMERS_PER_BOT = 1_000
VIEWS_PER_BOT = (1_500, 4_000)
MEAN_VIEWS_PER_BOT_SESSION = 150
BOT_GAP_S = (1, 6)  # far quicker than a person reads a product page


def plan_bots(n_customers: int, rng: np.random.Generator) -> np.ndarray:
    """Views per bot: ``max(MIN_BOTS, n_customers // CUSTOMERS_PER_BOT)`` bots.

    Drawn before any customer, so the generator knows the bot row total when it calibrates.
    """
    n_bots = max(MIN_BOTS, n_customers // CUSTOMERS_PER_BOT)
    return rng.integers(VIEWS_PER_BOT[0], VIEWS_PER_BOT[1] + 1, n_bots)


def simulate_bots(views_per_bot: np.ndarray, n_items: int, rng: np.random.Generator) -> EventBlock:
    """Bot view rows, sorted by time; sessions numbered from 0, event numbers unset.

    Parameters
    ----------
    views_per_bot : numpy.ndarray
        From ``plan_bots``.
    n_items : int
        Catalogue size; bots crawl items uniformly.
    rng : numpy.random.Generator
        The bot stream (the same one ``plan_bots`` used, continued).

    Returns
    -------
    EventBlock
        The bots' rows.
    """
    n = int(views_per_bot.sum())
    bot = np.repeat(np.arange(len(views_per_bot)), views_per_bot)
    new_session = rng.random(n) < 1.0 / MEAN_VIEWS_PER_BOT_SESSION
    new_session[np.concatenate(([0], np.cumsum(views_per_bot)[:-1]))] = True
    session = np.cumsum(new_session) - 1
    n_sessions = int(session[-1]) + 1
    start = SPAN_START_TS + rng.integers(0, SPAN_DAYS * SECONDS_PER_DAY, n_sessions)
    gap = rng.integers(BOT_GAP_S[0], BOT_GAP_S[1] + 1, n)
    gap[new_session] = 0
    total = np.cumsum(gap)
    first = np.maximum.accumulate(np.where(new_session, np.arange(n), 0))
    ts = start[session] + total - total[first]
    overflow = np.zeros(n_sessions, dtype=np.int64)
    np.maximum.at(overflow, session, ts - SPAN_END_TS)
    ts -= overflow[session]

    order = np.argsort(ts, kind="stable")
    session = session[order]
    # Sessions numbered in order of first appearance.
    first_seen = np.full(n_sessions, n, dtype=np.int64)
    np.minimum.at(first_seen, session, np.arange(n))
    rank = np.empty(n_sessions, dtype=np.int64)
    rank[np.argsort(first_seen, kind="stable")] = np.arange(n_sessions)
    return EventBlock(
        event_no=np.full(n, -1, dtype=np.int64),
        user=(BOT_USER_OFFSET + bot[order]).astype(np.int64),
        item=rng.integers(0, n_items, n),
        etype=np.full(n, VIEW, dtype=np.int8),
        etype_text=np.full(n, VIEW, dtype=np.int16),
        ts=ts[order],
        ts_style=np.full(n, TS_PLAIN, dtype=np.int16),
        session=rank[session],
        order=np.full(n, -1, dtype=np.int64),
        quantity=np.full(n, QUANTITY_NULL, dtype=np.int32),
        price=np.full(n, np.nan),
        channel=np.full(n, CHANNELS.index("web"), dtype=np.int8),
    )
