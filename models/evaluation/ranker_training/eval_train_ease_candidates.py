"""Ranker-training replay of int_ease_candidates: the same code on the events up to the ranker's
training cutoff. Only the customers the ranker learns from (eval_train_truth) are scored; the
model fits on every customer."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    scored_users = python_recommenders.user_indexes(
        dbt.ref("eval_train_dim_customers"), dbt.ref("eval_train_truth")
    )
    return python_recommenders.ease_candidate_table(
        dbt.ref("eval_train_fct_interactions"),
        dbt.ref("eval_train_dim_customers"),
        dbt.ref("eval_train_dim_items"),
        l2=float(dbt.config.get("l2")),
        max_items=int(dbt.config.get("max_items")),
        candidates=int(dbt.config.get("candidates")),
        scored_users=scored_users,
    )
