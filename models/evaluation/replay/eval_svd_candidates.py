"""Evaluation replay of int_svd_candidates on the training period (same code, training inputs).
Only the evaluated customers (eval_truth) are scored; the model fits on every customer."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    scored_users = python_recommenders.user_indexes(
        dbt.ref("eval_dim_customers"), dbt.ref("eval_truth")
    )
    return python_recommenders.candidate_table(
        dbt.ref("eval_svd_factors"),
        dbt.ref("eval_dim_items"),
        dbt.ref("eval_fct_interactions"),
        candidates=int(dbt.config.get("candidates")),
        scored_users=scored_users,
    )
