"""Clean behaviour of one chunk of customers: sessions, funnels, orders, re-buys and returns.

Everything is vectorized over the chunk. In their active window a customer has Poisson
numbers of ordering, abandoned-cart and browse-only sessions (seasonal days; orders evenly
spread). Orders draw 1-4 lines in the customer's preferred categories, then add planted group
partners; consumables bought once come back on their cycle; a few lines are returned; a few
orders are guest checkouts (no user_id, only purchase rows).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from .catalog import Catalog
from .config import (
    ADD_TO_CART,
    CHANNELS,
    PURCHASE,
    QUANTITY_NULL,
    RETURN,
    SECONDS_PER_DAY,
    SPAN_DAYS,
    SPAN_END_TS,
    SPAN_START_TS,
    VIEW,
)
from .customers import CustomerChunk
from .events import TS_PLAIN, EventBlock
from .personas import (
    BROWSES_PER_YEAR,
    CARTS_PER_YEAR,
    EXTRA_LINES,
    EXTRA_QUANTITY,
    FIRST_CATEGORY_SHARE,
    MIN_ORDERS,
    ORDERS_PER_YEAR,
    REBUY_ADOPTION,
    SECOND_CATEGORY_SHARE,
    VIEWS_PER_SESSION,
)
from .seasonality import sample_days, sample_seconds_of_day

logger = logging.getLogger(__name__)

BROWSE, CART = 0, 1  # session outcomes besides PURCHASE (which reuses the event code)
DAYS_PER_YEAR = 365.25
# Browsing views per session, relative to the persona's mean, by session outcome.
VIEW_FACTOR = {BROWSE: 1.0, CART: 0.6, PURCHASE: 0.4}
# Where in its slot of the active window an order falls: the later half.
ORDER_SLOT_JITTER = 0.5
MAX_BASE_LINES = 4
MAX_ORDER_LINES = 6
PARTNER_PROB = 0.6  # each planted partner joins an order holding one group item
MAX_QUANTITY = 8
ABANDONED_SECOND_LINE_PROB = 0.3
LINE_VIEW_PROB = 0.9  # a basket line was viewed in the session before being carted
GAP_S = (8, 240)  # seconds between consecutive views / carts of a session
CHECKOUT_GAP_S = (30, 300)  # from the last cart to the order (all lines share its time)
CHANNEL_LOYALTY = 0.85  # sessions on the customer's preferred channel
# Consumable re-buys (adoption is per persona): the chance to go on after each re-buy, the
# relative spread of each interval around the cycle, and a cap.
REBUY_CONTINUE_PROB = 0.8
REBUY_JITTER = 0.12
MAX_REBUYS = 60
REBUY_VIEW_PROB = 0.3
RETURN_RATE = 0.02
RETURN_DELAY_DAYS = (2, 30)
GUEST_ORDER_SHARE = 0.03
GUEST_CHANNEL_SHARE = np.array([0.6, 0.3, 0.1])
# List prices are today's; in the past they were lower by up to this fraction (inflation).
PRICE_DRIFT = 0.06


def price_at(catalog: Catalog, item: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Unit price of ``item`` at time ``ts``: the list price deflated linearly to the past."""
    years_before_end = (SPAN_END_TS - ts) / (DAYS_PER_YEAR * SECONDS_PER_DAY)
    factor = 1.0 / (1.0 + PRICE_DRIFT * years_before_end / 2.0)
    return np.round(catalog.price[item] * factor, 2)


def _segment_starts(group: np.ndarray) -> np.ndarray:
    """Boolean mask of rows starting a run of equal values in a sorted ``group``."""
    first = np.ones(len(group), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    return first


def _cumsum_within(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each ``starts`` row (rows grouped contiguously)."""
    total = np.cumsum(values)
    index = np.arange(len(values))
    base = np.maximum.accumulate(np.where(starts, index, 0))
    return total - total[base] + values[base]


def _rank_within(starts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... restarting at each ``starts`` row."""
    index = np.arange(len(starts))
    return index - np.maximum.accumulate(np.where(starts, index, 0))


def _pick_items(
    catalog: Catalog,
    persona: np.ndarray,
    pref1: np.ndarray,
    pref2: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One item per row: mostly from the preferred categories, else from anywhere."""
    n = len(persona)
    u = rng.random(n)
    anywhere = rng.choice(len(catalog.top_share), size=n, p=catalog.top_share)
    first_share = np.where(
        pref2 >= 0, FIRST_CATEGORY_SHARE, FIRST_CATEGORY_SHARE + SECOND_CATEGORY_SHARE
    )
    top = np.where(
        u < first_share,
        pref1,
        np.where(u < FIRST_CATEGORY_SHARE + SECOND_CATEGORY_SHARE, pref2, anywhere),
    )
    top = np.where(top < 0, anywhere, top)
    return catalog.sample(persona, top, rng)


def _order_lines(
    catalog: Catalog,
    session: np.ndarray,
    persona: np.ndarray,
    pref1: np.ndarray,
    pref2: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Lines (session, item) of the orders placed in ``session``.

    Draws 1..MAX_BASE_LINES items per order, adds each planted partner of a group item with
    probability PARTNER_PROB, drops repeated items and keeps at most MAX_ORDER_LINES lines
    (base lines first).
    """
    k = 1 + np.minimum(rng.poisson(EXTRA_LINES[persona]), MAX_BASE_LINES - 1)
    line_session = np.repeat(session, k)
    rows = np.repeat(np.arange(len(session)), k)
    item = _pick_items(catalog, persona[rows], pref1[rows], pref2[rows], rng)

    grouped = np.flatnonzero(catalog.group[item] >= 0)
    members = catalog.group_members[catalog.group[item[grouped]]].ravel()
    partner_session = np.repeat(line_session[grouped], catalog.group_members.shape[1])
    trigger = np.repeat(item[grouped], catalog.group_members.shape[1])
    keep = (members >= 0) & (members != trigger) & (rng.random(len(members)) < PARTNER_PROB)
    line_session = np.concatenate((line_session, partner_session[keep]))
    item = np.concatenate((item, members[keep]))

    # First occurrence of each (session, item) wins; position order = base lines first.
    _, first = np.unique(line_session * catalog.n_items + item, return_index=True)
    position = np.sort(first)
    order = np.lexsort((position, line_session[position]))
    position = position[order]
    line_session, item = line_session[position], item[position]
    keep = _rank_within(_segment_starts(line_session)) < MAX_ORDER_LINES
    return line_session[keep], item[keep]


def _dedupe_lines(catalog: Catalog, session: np.ndarray, item: np.ndarray) -> np.ndarray:
    """Indices of the lines to keep so that no session holds an item twice."""
    _, first = np.unique(session * catalog.n_items + item, return_index=True)
    return np.sort(first)


@dataclass(frozen=True)
class _Sessions:
    """Sessions of a chunk: whose (position in the chunk), outcome, start time, channel."""

    cust: np.ndarray
    outcome: np.ndarray
    start: np.ndarray
    channel: np.ndarray


def _draw_sessions(chunk: CustomerChunk, scale: float, rng: np.random.Generator) -> _Sessions:
    """Numbers of orders, abandoned carts and browses per customer, and when they happen."""
    n = chunk.n
    persona = chunk.persona
    years = (chunk.last_day - chunk.first_day + 1) / DAYS_PER_YEAR
    rate = scale * chunk.intensity * years
    # Everyone orders (at least the persona's floor): every customer is a buyer, none bot-like.
    n_orders = np.maximum(rng.poisson(rate * ORDERS_PER_YEAR[persona]), MIN_ORDERS[persona])
    n_carts = rng.poisson(rate * CARTS_PER_YEAR[persona])
    n_browses = rng.poisson(rate * BROWSES_PER_YEAR[persona])
    everyone = np.arange(n)
    cust = np.concatenate(
        (
            np.repeat(everyone, n_orders),
            np.repeat(everyone, n_carts),
            np.repeat(everyone, n_browses),
        )
    )
    outcome = np.repeat(
        np.array([PURCHASE, CART, BROWSE], dtype=np.int8),
        [n_orders.sum(), n_carts.sum(), n_browses.sum()],
    )
    # Orders are spread evenly over the active window (one in the later half of each of n
    # equal slots), as regular customers shop: recency then reflects the persona, not luck.
    # Other sessions fall anywhere in the window.
    position = rng.random(len(cust))
    ordering = np.flatnonzero(outcome == PURCHASE)
    rank = _rank_within(_segment_starts(cust[ordering]))
    slot = 1.0 - ORDER_SLOT_JITTER + ORDER_SLOT_JITTER * position[ordering]
    position[ordering] = (rank + slot) / n_orders[cust[ordering]]
    day = sample_days(chunk.first_day[cust], chunk.last_day[cust], rng, position)
    start = SPAN_START_TS + day * SECONDS_PER_DAY + sample_seconds_of_day(len(cust), rng)
    loyal = rng.random(len(cust)) < CHANNEL_LOYALTY
    channel = np.where(loyal, chunk.channel[cust], rng.integers(0, len(CHANNELS), len(cust)))
    return _Sessions(cust=cust, outcome=outcome, start=start, channel=channel)


def _session_rows(
    chunk: CustomerChunk, sessions: _Sessions, catalog: Catalog, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Rows of the drawn sessions: browsing views, then carts, then the order's lines."""
    cust, outcome = sessions.cust, sessions.outcome
    sp = chunk.persona[cust]

    def pick(session: np.ndarray) -> np.ndarray:
        who = cust[session]
        return _pick_items(catalog, sp[session], chunk.pref1[who], chunk.pref2[who], rng)

    factor = np.select(
        [outcome == BROWSE, outcome == CART],
        [VIEW_FACTOR[BROWSE], VIEW_FACTOR[CART]],
        VIEW_FACTOR[PURCHASE],
    )
    n_views = rng.poisson(VIEWS_PER_SESSION[sp] * factor) + (outcome == BROWSE)
    view_session = np.repeat(np.arange(len(cust)), n_views)
    view_item = pick(view_session)

    carts = np.flatnonzero(outcome == CART)
    cart_session = np.repeat(carts, 1 + (rng.random(len(carts)) < ABANDONED_SECOND_LINE_PROB))
    cart_item = pick(cart_session)
    keep = _dedupe_lines(catalog, cart_session, cart_item)
    cart_session, cart_item = cart_session[keep], cart_item[keep]

    orders = np.flatnonzero(outcome == PURCHASE)
    who = cust[orders]
    line_session, line_item = _order_lines(
        catalog, orders, sp[orders], chunk.pref1[who], chunk.pref2[who], rng
    )
    line_session, line_item = _swap_repeat_consumables(
        catalog, cust, sessions.start, line_session, line_item
    )
    line_qty = 1 + np.minimum(rng.poisson(EXTRA_QUANTITY[sp[line_session]]), MAX_QUANTITY - 1)

    # Basket lines are carted, and mostly viewed first; abandoned lines are viewed and carted.
    basket_session = np.concatenate((cart_session, line_session))
    basket_item = np.concatenate((cart_item, line_item))
    seen = rng.random(len(basket_session)) < LINE_VIEW_PROB
    seen[: len(cart_session)] = True
    n_view_rows = len(view_session) + int(seen.sum())
    session = np.concatenate((view_session, basket_session[seen], basket_session, line_session))
    item = np.concatenate((view_item, basket_item[seen], basket_item, line_item))
    etype = np.repeat(
        np.array([VIEW, ADD_TO_CART, PURCHASE], dtype=np.int8),
        [n_view_rows, len(basket_session), len(line_session)],
    )
    quantity = np.concatenate(
        (np.full(n_view_rows, QUANTITY_NULL), np.ones(len(basket_session), np.int64), line_qty)
    )
    # Within a session: views (in random order), then carts, then the order.
    order = np.lexsort((rng.random(len(session)), etype, session))
    session, item, etype, quantity = session[order], item[order], etype[order], quantity[order]

    first = _segment_starts(session)
    checkout = (etype == PURCHASE) & ~np.concatenate(([False], etype[:-1] == PURCHASE))
    gap = rng.integers(GAP_S[0], GAP_S[1], len(session))
    gap[checkout] = rng.integers(CHECKOUT_GAP_S[0], CHECKOUT_GAP_S[1], int(checkout.sum()))
    gap[(etype == PURCHASE) & ~checkout] = 0  # all lines of an order share its time
    gap[first] = 0
    ts = sessions.start[session] + _cumsum_within(gap, first)
    # A session that would run past the span's end is moved back as a whole.
    overflow = np.zeros(len(cust), dtype=np.int64)
    np.maximum.at(overflow, session, ts - SPAN_END_TS)
    ts -= overflow[session]
    return {
        "user": chunk.code[cust[session]],
        "item": item,
        "etype": etype,
        "ts": ts,
        "session": session,
        "order": np.where(etype == PURCHASE, session, -1),  # one order per ordering session
        "quantity": quantity,
        "price": np.where(etype == VIEW, np.nan, price_at(catalog, item, ts)),
        "channel": sessions.channel[session],
    }


def _rebuy_rows(
    chunk: CustomerChunk,
    sessions: _Sessions,
    regular: dict[str, np.ndarray],
    catalog: Catalog,
    next_session: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Consumables come back on their cycle: one small session (view?, cart, order) each.

    A first purchase of a consumable starts a cycle with the persona's adoption probability;
    each re-buy follows the previous one after ``cycle x N(1, REBUY_JITTER)`` days, goes on
    with REBUY_CONTINUE_PROB, and stops at the end of the customer's active window.
    """
    lines = np.flatnonzero(regular["order"] >= 0)
    first_buys = lines[catalog.cycle_days[regular["item"][lines]] > 0]
    who = sessions.cust[regular["session"][first_buys]]
    adopted = rng.random(len(first_buys)) < REBUY_ADOPTION[chunk.persona[who]]
    first_buys, who = first_buys[adopted], who[adopted]
    window_end = SPAN_START_TS + (chunk.last_day[who] + 1) * SECONDS_PER_DAY - 1
    end_ts = np.minimum(window_end, SPAN_END_TS)
    cycle_s = catalog.cycle_days[regular["item"][first_buys]] * SECONDS_PER_DAY
    t0 = regular["ts"][first_buys]
    shortest = cycle_s * (1 - 3 * REBUY_JITTER)
    max_k = np.clip((end_ts - t0) // shortest, 0, MAX_REBUYS).astype(np.int64)
    n_rebuys = np.minimum(max_k, rng.geometric(1 - REBUY_CONTINUE_PROB, len(first_buys)) - 1)
    src = np.repeat(np.arange(len(first_buys)), n_rebuys)
    jitter = rng.normal(1.0, REBUY_JITTER, len(src))
    jitter = np.clip(jitter, 1 - 3 * REBUY_JITTER, 1 + 3 * REBUY_JITTER)
    ts = t0[src] + _cumsum_within((cycle_s[src] * jitter).astype(np.int64), _segment_starts(src))
    keep = ts <= end_ts[src]
    src, ts = src[keep], ts[keep]
    m = len(src)
    source = first_buys[src]
    cart_ts = ts - rng.integers(GAP_S[0], CHECKOUT_GAP_S[1], m)
    viewed = rng.random(m) < REBUY_VIEW_PROB
    view_ts = cart_ts - rng.integers(GAP_S[0], GAP_S[1], m)
    session = next_session + np.arange(m)
    item = regular["item"][source]
    parts = []
    for etype, when, rows in (
        (VIEW, view_ts, np.flatnonzero(viewed)),
        (ADD_TO_CART, cart_ts, np.arange(m)),
        (PURCHASE, ts, np.arange(m)),
    ):
        k = len(rows)
        parts.append(
            {
                "user": regular["user"][source[rows]],
                "item": item[rows],
                "etype": np.full(k, etype, dtype=np.int8),
                "ts": when[rows],
                "session": session[rows],
                "order": session[rows] if etype == PURCHASE else np.full(k, -1),
                "quantity": {
                    VIEW: np.full(k, QUANTITY_NULL),
                    ADD_TO_CART: np.ones(k, dtype=np.int64),
                    PURCHASE: regular["quantity"][source[rows]],
                }[etype],
                "price": np.full(k, np.nan)
                if etype == VIEW
                else price_at(catalog, item[rows], when[rows]),
                "channel": chunk.channel[who[src[rows]]],
            }
        )
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _guest_rows(
    chunk: CustomerChunk,
    n_orders: int,
    catalog: Catalog,
    next_session: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Guest checkouts: orders with no user_id, only their purchase rows (GUEST_ORDER_SHARE)."""
    n_guest = int(rng.binomial(n_orders, GUEST_ORDER_SHARE / (1 - GUEST_ORDER_SHARE)))
    template = rng.integers(0, chunk.n, n_guest)  # tastes borrowed from a random customer
    persona = chunk.persona[template]
    session, item = _order_lines(
        catalog,
        np.arange(n_guest),
        persona,
        chunk.pref1[template],
        chunk.pref2[template],
        rng,
    )
    whole_span = np.zeros(n_guest, dtype=np.int64), np.full(n_guest, SPAN_DAYS - 1)
    day = sample_days(*whole_span, rng)
    ts = (SPAN_START_TS + day * SECONDS_PER_DAY + sample_seconds_of_day(n_guest, rng))[session]
    channel = rng.choice(len(CHANNELS), size=n_guest, p=GUEST_CHANNEL_SHARE)
    k = len(session)
    return {
        "user": np.full(k, -1),
        "item": item,
        "etype": np.full(k, PURCHASE, dtype=np.int8),
        "ts": ts,
        "session": next_session + session,
        "order": next_session + session,
        "quantity": 1 + np.minimum(rng.poisson(EXTRA_QUANTITY[persona[session]]), MAX_QUANTITY - 1),
        "price": price_at(catalog, item, ts),
        "channel": channel[session],
    }


def _returns(block: EventBlock, next_session: int, rng: np.random.Generator) -> EventBlock:
    """Return rows: RETURN_RATE of order lines come back later, for part of the units."""
    lines = np.flatnonzero(block.etype == PURCHASE)
    returned = lines[rng.random(len(lines)) < RETURN_RATE]
    low, high = (d * SECONDS_PER_DAY for d in RETURN_DELAY_DAYS)
    ts = block.ts[returned] + rng.integers(low, high, len(returned))
    in_span = ts <= SPAN_END_TS
    out = block.take(returned[in_span])
    out.ts = ts[in_span]
    out.etype[:] = RETURN
    out.etype_text[:] = RETURN
    out.quantity = rng.integers(1, out.quantity.astype(np.int64) + 1).astype(np.int32)
    out.session = next_session + np.arange(len(out))  # a return is its own visit
    return out


def _to_block(parts: list[dict[str, np.ndarray]]) -> EventBlock:
    cols = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    n = len(cols["ts"])
    return EventBlock(
        event_no=np.full(n, -1, dtype=np.int64),
        user=cols["user"].astype(np.int64),
        item=cols["item"].astype(np.int64),
        etype=cols["etype"].astype(np.int8),
        etype_text=cols["etype"].astype(np.int16),
        ts=cols["ts"].astype(np.int64),
        ts_style=np.full(n, TS_PLAIN, dtype=np.int16),
        session=cols["session"].astype(np.int64),
        order=cols["order"].astype(np.int64),
        quantity=cols["quantity"].astype(np.int32),
        price=cols["price"].astype(np.float64),
        channel=cols["channel"].astype(np.int8),
    )


def simulate_chunk(
    chunk: CustomerChunk, catalog: Catalog, scale: float, rng: np.random.Generator
) -> EventBlock:
    """Clean events of one chunk of customers (plus its guest checkouts).

    Sessions and orders are numbered from 0 within the chunk, in time order; the caller
    offsets them. ``event_no`` is left at -1.

    Parameters
    ----------
    chunk : CustomerChunk
        The customers.
    catalog : Catalog
        The catalogue.
    scale : float
        Global multiplier on every persona's session rates (set by calibration).
    rng : numpy.random.Generator
        The chunk's behaviour stream.

    Returns
    -------
    EventBlock
        Clean rows, sorted by time.
    """
    sessions = _draw_sessions(chunk, scale, rng)
    next_session = len(sessions.cust)
    regular = _session_rows(chunk, sessions, catalog, rng)
    rebuys = _rebuy_rows(chunk, sessions, regular, catalog, next_session, rng)
    next_session += len(np.unique(rebuys["session"]))
    n_orders = int(np.count_nonzero(sessions.outcome == PURCHASE)) + len(
        np.unique(rebuys["order"][rebuys["order"] >= 0])
    )
    guests = _guest_rows(chunk, n_orders, catalog, next_session, rng)
    next_session += len(np.unique(guests["session"]))
    block = _to_block([regular, rebuys, guests])
    block = EventBlock.concat([block, _returns(block, next_session, rng)])
    return _renumber(_sorted_by_time(block))


def _swap_repeat_consumables(
    catalog: Catalog,
    cust: np.ndarray,
    start: np.ndarray,
    line_session: np.ndarray,
    line_item: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep only each customer's first regular order of a consumable; swap later ones.

    Re-buys of consumables are generated on their cycle, so a second random order of the
    same consumable would blur the planted interval. It becomes a same-category staple.
    """
    idx = np.flatnonzero(catalog.cycle_days[line_item] > 0)
    who = cust[line_session[idx]]
    order = np.lexsort((start[line_session[idx]], line_item[idx], who))
    idx, who = idx[order], who[order]
    repeat = np.zeros(len(idx), dtype=bool)
    repeat[1:] = (who[1:] == who[:-1]) & (line_item[idx][1:] == line_item[idx][:-1])
    line_item = line_item.copy()
    line_item[idx[repeat]] = catalog.substitute[line_item[idx[repeat]]]
    keep = _dedupe_lines(catalog, line_session, line_item)
    return line_session[keep], line_item[keep]


def _sorted_by_time(block: EventBlock) -> EventBlock:
    # Ties (lines of one order) keep their construction order.
    return block.take(np.argsort(block.ts, kind="stable"))


def _renumber(block: EventBlock) -> EventBlock:
    """Number sessions and orders 0, 1, ... in order of first appearance (time order)."""
    for name in ("session", "order"):
        values = getattr(block, name)
        present = values >= 0
        uniques, first = np.unique(values[present], return_index=True)
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(uniques))
        renumbered = np.full(len(values), -1, dtype=np.int64)
        renumbered[present] = rank[np.searchsorted(uniques, values[present])]
        setattr(block, name, renumbered)
    return block
