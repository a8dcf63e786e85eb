"""Evaluation replay of int_ease_candidates on the training period (same code, training inputs),
for both protocols from one fit: the new-items replay reads the rows of protocol 'new_items'.
Only the evaluated customers (eval_truth) are scored; the model fits on every customer."""

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
        protocols=("repeats_allowed", "new_items"),
        scored_users=scored_users,
    )
