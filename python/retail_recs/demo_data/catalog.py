"""The item catalogue: taxonomy, prices, popularity, planted groups and consumables.

Besides ``items.parquet`` this builds the lookup tables the behaviour simulation samples
from: per persona, a cumulative distribution over items laid out category by category, so one
``searchsorted`` draws an item of a given category with Zipf-like popularity and the persona's
price preference.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .config import ITEM_PREFIX, ITEM_WIDTH
from .personas import PRICE_PREFERENCE
from .taxonomy import (
    ADJECTIVES,
    BRANDS,
    GENERIC_PHRASES,
    PRICE_LOGNORMAL,
    SUBCATEGORIES,
    TOP_CATEGORIES,
    TOP_CATEGORY_SHARE,
    VARIANTS,
)
from .writer import ITEMS_SCHEMA, fixed_width_ids

logger = logging.getLogger(__name__)

# Zipf exponent of popularity by rank inside a top-level category.
ZIPF_EXPONENT = 1.05
INACTIVE_RATE = 0.05
# Discontinued items still appear in history, but less.
INACTIVE_POPULARITY = 0.3
CONSUMABLE_RATE = 0.08
CYCLE_DAYS_RANGE = (14, 60)
# Planted bought-together groups: count = max(MIN_GROUPS, items // ITEMS_PER_GROUP).
MIN_GROUPS = 10
ITEMS_PER_GROUP = 40
GROUP_SIZE_RANGE = (3, 5)
MAX_GROUP_SIZE = GROUP_SIZE_RANGE[1]
# Group members come from the more popular part of their category, so they get bought.
GROUP_POPULARITY_QUANTILE = 0.6
# Items file defects.
ITEM_DUPLICATE_RATE = 0.005
MIN_NULL_ITEM_IDS = 2
ITEM_NULL_ID_RATE = 0.002
# Keeps a uniform draw strictly below 1 so ``top + u`` never lands on the next category.
_BELOW_ONE = 1.0 - 1e-9


@dataclass(frozen=True)
class Catalog:
    """Numeric view of the catalogue used by the simulation.

    Attributes
    ----------
    n_items : int
        Number of distinct items (codes ``0 .. n_items - 1``; id = code + 1).
    top : numpy.ndarray
        Top-level category code per item.
    price : numpy.ndarray
        Current list price per item.
    cycle_days : numpy.ndarray
        Repurchase cycle in days for consumables, 0 otherwise.
    group : numpy.ndarray
        Planted group per item, -1 when none.
    group_members : numpy.ndarray
        ``(n_groups, MAX_GROUP_SIZE)`` item codes, padded with -1.
    substitute : numpy.ndarray
        For a consumable, a non-consumable item of the same top category (else itself).
    layout : numpy.ndarray
        Item codes sorted by top category; the order ``cdf`` refers to.
    cdf : numpy.ndarray
        ``(n_personas, n_items)``: category ``c`` occupies ``(c, c + 1]``.
    top_share : numpy.ndarray
        Weights of top categories for picks outside a customer's preferences.
    """

    n_items: int
    top: np.ndarray
    price: np.ndarray
    cycle_days: np.ndarray
    group: np.ndarray
    group_members: np.ndarray
    substitute: np.ndarray
    layout: np.ndarray
    cdf: np.ndarray
    top_share: np.ndarray

    def sample(self, persona: np.ndarray, top: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw one item per row from category ``top`` with persona ``persona``'s weights.

        Parameters
        ----------
        persona, top : numpy.ndarray
            Persona and top-category codes, one per draw.
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        numpy.ndarray
            int64 item codes.
        """
        target = top + rng.random(len(top)) * _BELOW_ONE
        position = np.empty(len(top), dtype=np.int64)
        for code in range(self.cdf.shape[0]):
            rows = persona == code
            position[rows] = np.searchsorted(self.cdf[code], target[rows], side="right")
        return self.layout[np.minimum(position, self.n_items - 1)]


@dataclass(frozen=True)
class CatalogOutput:
    """The catalogue plus what gets written and recorded."""

    catalog: Catalog
    table: pa.Table
    item_ids: pa.Array
    planted_groups: list[list[str]]
    consumables: dict[str, int]
    items_dirty: dict[str, int]


def _names_and_descriptions(
    sub: np.ndarray, brand: list[str], rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    """Item names ('Brand Adjective Noun Variant') and descriptions rich in leaf keywords."""
    n = len(sub)
    adjective = rng.integers(0, len(ADJECTIVES), n)
    variant = rng.integers(0, len(VARIANTS), n)
    noun_u = rng.random(n)
    phrase = rng.integers(0, len(GENERIC_PHRASES), n)
    keyword_u = rng.random((n, 4))
    names, descriptions = [], []
    for i in range(n):
        leaf = SUBCATEGORIES[sub[i]]
        noun = leaf.nouns[int(noun_u[i] * len(leaf.nouns))]
        adj = ADJECTIVES[adjective[i]]
        suffix = f" {VARIANTS[variant[i]]}" if VARIANTS[variant[i]] else ""
        names.append(f"{brand[i]} {adj} {noun}{suffix}")
        # Several subcategory keywords per description: the content signal.
        words = {leaf.keywords[int(u * len(leaf.keywords))] for u in keyword_u[i]}
        descriptions.append(
            f"{adj} {noun.lower()} by {brand[i]}. "
            f"{', '.join(sorted(words)).capitalize()}. "
            f"From our {leaf.top.lower()} range: {leaf.name.lower()}. "
            f"{GENERIC_PHRASES[phrase[i]]}"
        )
    return names, descriptions


def _plant_groups(
    top: np.ndarray, popularity: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> list[np.ndarray]:
    """Disjoint bought-together groups of 3-5 eligible items, each inside one top category."""
    n_groups = max(MIN_GROUPS, len(top) // ITEMS_PER_GROUP)
    share = np.bincount(top, minlength=len(TOP_CATEGORIES)).astype(np.float64)
    free = eligible.copy()
    groups: list[np.ndarray] = []
    for _ in range(n_groups):
        size = int(rng.integers(GROUP_SIZE_RANGE[0], GROUP_SIZE_RANGE[1] + 1))
        weights = share * np.array(
            [np.count_nonzero(free & (top == c)) >= size for c in range(len(TOP_CATEGORIES))]
        )
        if weights.sum() == 0:
            logger.warning("catalogue too small for more planted groups (%d made)", len(groups))
            break
        category = int(rng.choice(len(TOP_CATEGORIES), p=weights / weights.sum()))
        candidates = np.flatnonzero(free & (top == category))
        # Prefer popular items so the groups actually get bought.
        cut = np.quantile(popularity[candidates], 1 - GROUP_POPULARITY_QUANTILE)
        popular = candidates[popularity[candidates] >= cut]
        pool = popular if len(popular) >= size else candidates
        members = np.sort(rng.choice(pool, size=size, replace=False))
        free[members] = False
        groups.append(members)
    return groups


def build_catalog(n_items: int, rng: np.random.Generator) -> CatalogOutput:
    """Generate the catalogue and its raw ``items.parquet`` table.

    Parameters
    ----------
    n_items : int
        Number of distinct items.
    rng : numpy.random.Generator
        The catalogue stream.

    Returns
    -------
    CatalogOutput
        Numeric catalogue, the table to write (with planted defects) and ground truth parts.
    """
    n_top = len(TOP_CATEGORIES)
    share = np.array([TOP_CATEGORY_SHARE[t] for t in TOP_CATEGORIES])
    top = rng.choice(n_top, size=n_items, p=share / share.sum())
    top[:n_top] = np.arange(n_top)  # every category has items, however small the catalogue
    sub_of_top = [
        [i for i, s in enumerate(SUBCATEGORIES) if s.top == name] for name in TOP_CATEGORIES
    ]
    sub = np.array([sub_of_top[t][int(rng.integers(0, len(sub_of_top[t])))] for t in top])
    median = np.array([PRICE_LOGNORMAL[t][0] for t in TOP_CATEGORIES])[top]
    sigma = np.array([PRICE_LOGNORMAL[t][1] for t in TOP_CATEGORIES])[top]
    raw_price = median * np.exp(sigma * rng.standard_normal(n_items))
    price = np.maximum(np.round(raw_price) - 0.01, 0.99)  # shelf prices end in .99
    brand_u = rng.random(n_items)
    brand = [
        BRANDS[TOP_CATEGORIES[t]][int(u * len(BRANDS[TOP_CATEGORIES[t]]))]
        for t, u in zip(top, brand_u, strict=True)
    ]
    is_active = rng.random(n_items) >= INACTIVE_RATE

    # Zipf popularity by a random rank inside each top category.
    popularity = np.empty(n_items)
    for c in range(n_top):
        members = np.flatnonzero(top == c)
        ranks = rng.permutation(len(members)) + 1
        popularity[members] = ranks.astype(np.float64) ** -ZIPF_EXPONENT
    popularity[~is_active] *= INACTIVE_POPULARITY

    consumable_leaf = np.array([s.consumable for s in SUBCATEGORIES])[sub]
    eligible = np.flatnonzero(consumable_leaf & is_active)
    n_consumables = min(len(eligible), round(CONSUMABLE_RATE * n_items))
    consumable = np.sort(rng.choice(eligible, size=n_consumables, replace=False))
    cycle_days = np.zeros(n_items, dtype=np.int64)
    cycle_days[consumable] = rng.integers(
        CYCLE_DAYS_RANGE[0], CYCLE_DAYS_RANGE[1] + 1, len(consumable)
    )

    groups = _plant_groups(top, popularity, is_active & (cycle_days == 0), rng)
    group = np.full(n_items, -1, dtype=np.int64)
    group_members = np.full((max(len(groups), 1), MAX_GROUP_SIZE), -1, dtype=np.int64)
    for g, members in enumerate(groups):
        group[members] = g
        group_members[g, : len(members)] = members

    # A consumable bought again outside its cycle is swapped for a same-category staple, so
    # repeat purchases of a consumable come only from its cycle.
    substitute = np.arange(n_items)
    for c in range(n_top):
        staples = np.flatnonzero((top == c) & (cycle_days == 0) & (group < 0))
        needing = np.flatnonzero((top == c) & (cycle_days > 0))
        if len(needing) and len(staples):
            substitute[needing] = rng.choice(staples, size=len(needing))

    layout = np.lexsort((np.arange(n_items), top))
    sorted_top = top[layout]
    rel_price = (price / median)[layout]
    cdf = np.empty((len(PRICE_PREFERENCE), n_items))
    for p, beta in enumerate(PRICE_PREFERENCE):
        weight = popularity[layout] * rel_price**beta
        for c in range(n_top):
            rows = np.flatnonzero(sorted_top == c)
            cum = np.cumsum(weight[rows])
            cdf[p, rows] = c + cum / cum[-1]
            cdf[p, rows[-1]] = c + 1.0

    item_ids = fixed_width_ids(ITEM_PREFIX, np.arange(1, n_items + 1), ITEM_WIDTH)
    names, descriptions = _names_and_descriptions(sub, brand, rng)
    table = pa.table(
        {
            "item_id": item_ids,
            "name": pa.array(names, pa.string()),
            "category": pa.array([SUBCATEGORIES[s].path for s in sub], pa.string()),
            "brand": pa.array(brand, pa.string()),
            "price": pa.array(price, pa.float64()),
            "description": pa.array(descriptions, pa.string()),
            "is_active": pa.array(is_active, pa.bool_()),
        },
        schema=ITEMS_SCHEMA,
    )
    table, items_dirty = _dirty_items(table, rng)

    catalog = Catalog(
        n_items=n_items,
        top=top,
        price=price,
        cycle_days=cycle_days,
        group=group,
        group_members=group_members,
        substitute=substitute,
        layout=layout,
        cdf=cdf,
        top_share=share / share.sum(),
    )
    ids = item_ids.to_pylist()
    return CatalogOutput(
        catalog=catalog,
        table=table,
        item_ids=item_ids,
        planted_groups=[[ids[i] for i in members] for members in groups],
        consumables={ids[i]: int(cycle_days[i]) for i in consumable},
        items_dirty=items_dirty,
    )


def _dirty_items(table: pa.Table, rng: np.random.Generator) -> tuple[pa.Table, dict[str, int]]:
    """Add exact duplicate rows and rows with a NULL item_id, each next to its source row."""
    n = table.num_rows
    n_dup = round(ITEM_DUPLICATE_RATE * n)
    n_null = max(MIN_NULL_ITEM_IDS, round(ITEM_NULL_ID_RATE * n))
    dup_src = rng.choice(n, size=n_dup, replace=False)
    null_src = rng.choice(n, size=n_null, replace=False)
    source = np.concatenate((np.arange(n), dup_src, null_src))
    kind = np.concatenate((np.zeros(n), np.ones(n_dup), np.full(n_null, 2))).astype(np.int8)
    order = np.lexsort((kind, source))
    out = table.take(pa.array(source[order]))
    null_mask = pa.array(kind[order] == 2)
    item_id = out.column("item_id").combine_chunks()
    null_ids = pa.nulls(len(item_id), pa.string())
    out = out.set_column(0, "item_id", pc.if_else(null_mask, null_ids, item_id))
    return out, {"exact_duplicate": n_dup, "missing_item_id": n_null}
