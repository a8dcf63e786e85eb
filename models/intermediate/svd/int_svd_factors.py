"""Truncated SVD of the customer x item affinity matrix, computed once for every SVD model.

Thin on purpose: ids stay in the warehouse (dense user_index / item_index), the work is
retail_recs.python_recommenders.factor_table (shared with the evaluation replay). Output: one
row per customer ('user') and per item ('item') with its factor vector; scores are
user_factors · item_factors.
"""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.factor_table(
        dbt.ref("fct_interactions"),
        dbt.ref("dim_customers"),
        dbt.ref("dim_items"),
        factors=int(dbt.config.get("factors")),
        weighting=dbt.config.get("weighting"),
        seed=int(dbt.config.get("seed")),
    )
