"""SVD scores for every customer: the best active items not ruled out by an earlier purchase.

Scoring runs block by block of customers in retail_recs.svd.top_n_items, so memory stays
bounded by the block, never customers x items. Inactive items are left out of the scoring and
bought non-repeatable ones excluded, so the shared ranking rules downstream
(recommendations_svd) rarely have anything left to remove.
"""

import numpy as np
import pyarrow as pa
from scipy import sparse

from retail_recs import svd


def factors(dbt, side: str) -> np.ndarray:
    rows = (
        dbt.ref("int_svd_factors")
        .filter(f"side = '{side}'")
        .order("factor_index")
        .select("factors")
        .fetchnumpy()
    )
    return np.vstack(rows["factors"]).astype(np.float32)


def model(dbt, session):
    dbt.config(materialized="table")
    user_factors = factors(dbt, "user")
    item_factors = factors(dbt, "item")
    items = dbt.ref("dim_items").select("item_index, is_active, is_repeatable").fetchnumpy()
    is_active = np.zeros(len(item_factors), dtype=bool)
    is_active[items["item_index"]] = items["is_active"]
    is_repeatable = np.zeros(len(item_factors), dtype=bool)
    is_repeatable[items["item_index"]] = items["is_repeatable"]
    active_items = np.flatnonzero(is_active)
    # Column of every item among the active ones (-1: inactive).
    column_of = np.full(len(item_factors), -1, dtype=np.int64)
    column_of[active_items] = np.arange(len(active_items))
    bought = (
        dbt.ref("fct_interactions")
        .filter("has_purchased")
        .select("user_index, item_index")
        .fetchnumpy()
    )
    columns = column_of[bought["item_index"]]
    keep = (columns >= 0) & ~is_repeatable[bought["item_index"]]
    exclude = sparse.csr_matrix(
        (np.ones(keep.sum(), dtype=np.float32), (bought["user_index"][keep], columns[keep])),
        shape=(len(user_factors), len(active_items)),
    )
    user_index, column, score, rank = svd.top_n_items(
        user_factors, item_factors[active_items], exclude, int(dbt.config.get("candidates"))
    )
    return pa.table(
        {
            "user_index": pa.array(user_index.astype(np.int64)),
            "item_index": pa.array(active_items[column].astype(np.int64)),
            "score": pa.array(score.astype(np.float64)),
            "candidate_rank": pa.array(rank.astype(np.int64)),
        }
    )
