"""Ranker-training replay of int_svd_factors: the same code on the events up
to the ranker's training cutoff."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.factor_table(
        dbt.ref("eval_train_fct_interactions"),
        dbt.ref("eval_train_dim_customers"),
        dbt.ref("eval_train_dim_items"),
        factors=int(dbt.config.get("factors")),
        weighting=dbt.config.get("weighting"),
        seed=int(dbt.config.get("seed")),
    )
