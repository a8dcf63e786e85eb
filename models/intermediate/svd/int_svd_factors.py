"""Truncated SVD of the customer x item affinity matrix, computed once for every SVD model.

Thin on purpose: ids stay in the warehouse (dense user_index / item_index), the math lives in
retail_recs.svd. Output: one row per customer ('user') and per item ('item') with its factor
vector; scores are user_factors · item_factors.
"""

import numpy as np
import pyarrow as pa
from scipy import sparse

from retail_recs import svd


def interaction_matrix(dbt) -> sparse.csr_matrix:
    """fct_interactions as a users x items CSR matrix of affinities (shape from the dims)."""
    n_users = dbt.ref("dim_customers").aggregate("count(*)").fetchall()[0][0]
    n_items = dbt.ref("dim_items").aggregate("count(*)").fetchall()[0][0]
    cells = dbt.ref("fct_interactions").select("user_index, item_index, affinity").fetchnumpy()
    return sparse.csr_matrix(
        (cells["affinity"], (cells["user_index"], cells["item_index"])), shape=(n_users, n_items)
    )


def factor_table(side: str, factors: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "side": pa.array([side] * len(factors)),
            "factor_index": pa.array(np.arange(len(factors), dtype=np.int64)),
            "factors": pa.array(list(factors.astype(np.float32)), type=pa.list_(pa.float32())),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    weighted = svd.weight_interactions(interaction_matrix(dbt), dbt.config.get("weighting"))
    user_factors, item_factors, _ = svd.truncated_svd(
        weighted, int(dbt.config.get("factors")), int(dbt.config.get("seed"))
    )
    return pa.concat_tables(
        [factor_table("user", user_factors), factor_table("item", item_factors)]
    )
