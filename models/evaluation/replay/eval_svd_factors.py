"""Evaluation replay of int_svd_factors on the training period (same code, training inputs)."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.factor_table(
        dbt.ref("eval_fct_interactions"),
        dbt.ref("eval_dim_customers"),
        dbt.ref("eval_dim_items"),
        factors=int(dbt.config.get("factors")),
        weighting=dbt.config.get("weighting"),
        seed=int(dbt.config.get("seed")),
    )
