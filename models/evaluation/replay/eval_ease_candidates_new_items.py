"""Evaluation replay of int_ease_candidates for the new-items protocol: the same code on the
training period, no purchased item a candidate. Only the evaluated customers (eval_truth) are
scored; the model fits on every customer."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    scored_users = python_recommenders.user_indexes(
        dbt.ref("eval_dim_customers"), dbt.ref("eval_truth")
    )
    return python_recommenders.ease_candidate_table(
        dbt.ref("eval_fct_interactions"),
        dbt.ref("eval_dim_customers"),
        dbt.ref("eval_dim_items"),
        l2=float(dbt.config.get("l2")),
        max_items=int(dbt.config.get("max_items")),
        candidates=int(dbt.config.get("candidates")),
        scored_users=scored_users,
        repeat_purchases=False,
    )
