"""Evaluation replay of int_svd_candidates for the new-items protocol: the same code on the
training period, no purchased item a candidate."""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.candidate_table(
        dbt.ref("eval_svd_factors"),
        dbt.ref("eval_dim_items"),
        dbt.ref("eval_fct_interactions"),
        candidates=int(dbt.config.get("candidates")),
        repeat_purchases=False,
    )
