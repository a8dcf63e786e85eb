"""The Python-layer recommenders over DuckDB relations: SVD (factorize the interaction
matrix, then score candidates) and EASE (fit item weights and score candidates). The dbt
Python models (int_svd_factors, int_svd_candidates, int_ease_candidates) and their evaluation
replays call these with their own inputs, so the production build and the replay run the same
code. The math is in retail_recs.svd and retail_recs.ease.
"""

from __future__ import annotations

import logging

import numpy as np
import pyarrow as pa
from duckdb import DuckDBPyRelation
from scipy import sparse

from retail_recs import ease, svd
from retail_recs.ranking_metrics import PROTOCOLS

logger = logging.getLogger(__name__)
NO_CANDIDATES = (np.zeros(0, np.int64),) * 3 + (np.zeros(0, np.int64),)


def interaction_matrix(
    interactions: DuckDBPyRelation, customers: DuckDBPyRelation, items: DuckDBPyRelation
) -> sparse.csr_matrix:
    """Affinities as a users x items CSR matrix, shaped by the dimensions' dense indexes."""
    n_users = customers.aggregate("count(*)").fetchall()[0][0]
    n_items = items.aggregate("count(*)").fetchall()[0][0]
    cells = interactions.select("user_index, item_index, affinity").fetchnumpy()
    return sparse.csr_matrix(
        (cells["affinity"], (cells["user_index"], cells["item_index"])), shape=(n_users, n_items)
    )


def user_indexes(customers: DuckDBPyRelation, for_customers: DuckDBPyRelation) -> np.ndarray:
    """The dense indexes (distinct, ascending) in ``customers`` of the customers in
    ``for_customers`` (a relation with a user_id column): the evaluation scores only the
    customers it evaluates, a sample of them at scale, while every model still fits on all."""
    wanted = for_customers.select("user_id").distinct()
    rows = customers.join(wanted, "user_id").select("user_index").fetchnumpy()
    return np.unique(rows["user_index"]).astype(np.int64)


def _factor_rows(side: str, factors: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "side": pa.array([side] * len(factors)),
            "factor_index": pa.array(np.arange(len(factors), dtype=np.int64)),
            "factors": pa.array(list(factors.astype(np.float32)), type=pa.list_(pa.float32())),
        }
    )


def factor_table(
    interactions: DuckDBPyRelation,
    customers: DuckDBPyRelation,
    items: DuckDBPyRelation,
    factors: int,
    weighting: str,
    seed: int,
) -> pa.Table:
    """Truncated SVD of the weighted affinity matrix: one row per side ('user' / 'item') and
    dense index with its factor vector (user factors U·Σ, item factors V)."""
    weighted = svd.weight_interactions(
        interaction_matrix(interactions, customers, items), weighting
    )
    # A rank-k SVD needs k < min(customers, items): a small shop gets fewer factors (model
    # build_warnings says so), and a shop with one customer or item, or no interaction, none.
    usable = min(weighted.shape) - 1
    if usable < 1 or weighted.nnz == 0:
        logger.warning(
            "SVD skipped: a %d x %d matrix with %d interactions has no factor to fit",
            *weighted.shape,
            weighted.nnz,
        )
        empty = np.zeros((0, 0), dtype=np.float32)
        return pa.concat_tables([_factor_rows("user", empty), _factor_rows("item", empty)])
    if factors > usable:
        logger.warning(
            "var retail_recs__svd_factors = %d needs more than %d customers x %d items: "
            "using %d factors",
            factors,
            *weighted.shape,
            usable,
        )
    user_factors, item_factors, _ = svd.truncated_svd(weighted, min(factors, usable), seed)
    return pa.concat_tables(
        [_factor_rows("user", user_factors), _factor_rows("item", item_factors)]
    )


def _factors(factor_rows: DuckDBPyRelation, side: str) -> np.ndarray:
    rows = (
        factor_rows.filter(f"side = '{side}'").order("factor_index").select("factors").fetchnumpy()
    )
    if len(rows["factors"]) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack(rows["factors"]).astype(np.float32)


def _item_flags(
    items: DuckDBPyRelation, n_items: int, repeat_purchases: bool
) -> tuple[np.ndarray, np.ndarray]:
    """is_active and is_repeatable by dense item index; no item is repeatable when
    ``repeat_purchases`` is false (the evaluation's new-items protocol)."""
    flags = items.select("item_index, is_active, is_repeatable").fetchnumpy()
    is_active = np.zeros(n_items, dtype=bool)
    is_active[flags["item_index"]] = flags["is_active"]
    is_repeatable = np.zeros(n_items, dtype=bool)
    is_repeatable[flags["item_index"]] = flags["is_repeatable"] & repeat_purchases
    return is_active, is_repeatable


def _purchase_exclusions(
    interactions: DuckDBPyRelation,
    is_repeatable: np.ndarray,
    columns: np.ndarray,
    n_users: int,
) -> sparse.csr_matrix:
    """Customers x scored columns: 1 where the customer bought the (non-repeatable) item.
    ``columns`` are the scored item indexes; bought items outside them need no exclusion."""
    column_of = np.full(len(is_repeatable), -1, dtype=np.int64)
    column_of[columns] = np.arange(len(columns))
    bought = interactions.filter("has_purchased").select("user_index, item_index").fetchnumpy()
    column = column_of[bought["item_index"]]
    keep = (column >= 0) & ~is_repeatable[bought["item_index"]]
    return sparse.csr_matrix(
        (np.ones(keep.sum(), dtype=np.float32), (bought["user_index"][keep], column[keep])),
        shape=(n_users, len(columns)),
    )


def _scored(scored_users: np.ndarray | None, n_users: int) -> np.ndarray:
    """The dense indexes of the customers to score: ``scored_users``, or all of them."""
    if scored_users is None:
        return np.arange(n_users, dtype=np.int64)
    return np.asarray(scored_users, dtype=np.int64)


def _candidate_rows(
    user_index: np.ndarray, item_index: np.ndarray, score: np.ndarray, rank: np.ndarray
) -> pa.Table:
    return pa.table(
        {
            "user_index": pa.array(user_index.astype(np.int64)),
            "item_index": pa.array(item_index.astype(np.int64)),
            "score": pa.array(score.astype(np.float64)),
            "candidate_rank": pa.array(rank.astype(np.int64)),
        }
    )


def candidate_table(
    factor_rows: DuckDBPyRelation,
    items: DuckDBPyRelation,
    interactions: DuckDBPyRelation,
    candidates: int,
    repeat_purchases: bool = True,
    scored_users: np.ndarray | None = None,
) -> pa.Table:
    """The ``candidates`` best active items per customer by SVD score, bought items excluded
    unless repeatable and ``repeat_purchases``; one row per customer and candidate (dense
    indexes, score, rank). Items nobody interacted with have zero factors, so the SVD knows
    nothing of them: they are not scored (each would score 0 and fill short lists in
    catalogue order, and a wide catalogue of unsold items made every row score them all).
    ``scored_users`` (dense indexes, ascending; default all) limits the customers scored;
    each gets the rows it would get among all.

    Scoring runs block by block of customers in svd.top_n_items, so memory stays bounded by
    the block, never customers x items.
    """
    user_factors = _factors(factor_rows, "user")
    item_factors = _factors(factor_rows, "item")
    if len(user_factors) == 0:  # no SVD was fitted (see factor_table)
        return _candidate_rows(*NO_CANDIDATES)
    is_active, is_repeatable = _item_flags(items, len(item_factors), repeat_purchases)
    active_items = np.flatnonzero(is_active & item_factors.any(axis=1))
    if len(active_items) == 0:
        return _candidate_rows(*NO_CANDIDATES)
    users = _scored(scored_users, len(user_factors))
    exclude = _purchase_exclusions(interactions, is_repeatable, active_items, len(user_factors))
    user_index, column, score, rank = svd.top_n_items(
        user_factors[users], item_factors[active_items], exclude[users], candidates
    )
    return _candidate_rows(users[user_index], active_items[column], score, rank)


def ease_candidate_table(
    interactions: DuckDBPyRelation,
    customers: DuckDBPyRelation,
    items: DuckDBPyRelation,
    l2: float,
    max_items: int,
    candidates: int,
    protocols: tuple[str, ...] = ("repeats_allowed",),
    scored_users: np.ndarray | None = None,
) -> pa.Table:
    """The ``candidates`` best items per customer by EASE score over the binary matrix of
    positive affinities, modelling the ``max_items`` items with most customers; inactive
    items are not scored, and bought ones are excluded unless repeatable under the protocol
    ("repeats_allowed"; under "new_items" none is). The weights are fitted once, on every
    customer, for all ``protocols`` (the evaluation replays both: the fit is most of the
    time); ``scored_users`` (dense indexes, ascending; default all) limits the customers
    scored. One row per protocol, customer and candidate (dense indexes, score, rank)."""
    unknown = sorted(set(protocols) - set(PROTOCOLS))
    if unknown:
        raise ValueError(f"unknown protocol(s) {unknown}; the protocols are {list(PROTOCOLS)}")
    binary = svd.weight_interactions(interaction_matrix(interactions, customers, items), "binary")
    is_active, _ = _item_flags(items, binary.shape[1], repeat_purchases=False)
    modelled = ease.modelled_items(binary, max_items)
    # Inactive items still predict the others; they are only never suggested.
    suggestable = np.flatnonzero(is_active[modelled])
    if binary.nnz == 0 or len(suggestable) == 0:
        return pa.concat_tables(
            [_with_protocol(_candidate_rows(*NO_CANDIDATES), p) for p in protocols]
        )
    weights = ease.fit(binary[:, modelled], l2)[:, suggestable]
    users = _scored(scored_users, binary.shape[0])
    scored_matrix = binary[users][:, modelled].tocsr()
    tables = []
    for protocol in protocols:
        _, is_repeatable = _item_flags(
            items, binary.shape[1], repeat_purchases=protocol == "repeats_allowed"
        )
        exclude = _purchase_exclusions(
            interactions, is_repeatable, modelled[suggestable], binary.shape[0]
        )
        user_index, column, score, rank = ease.top_n_items(
            scored_matrix, weights, exclude[users], candidates
        )
        rows = _candidate_rows(users[user_index], modelled[suggestable][column], score, rank)
        tables.append(_with_protocol(rows, protocol))
    return pa.concat_tables(tables)


def _with_protocol(rows: pa.Table, protocol: str) -> pa.Table:
    return rows.append_column("protocol", pa.array([protocol] * rows.num_rows, pa.string()))
