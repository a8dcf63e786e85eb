"""Evaluation replay of int_ranker_scores: eval_ranker_model applied to the candidates at the
evaluation cutoff (eval_ranker_features)."""

from retail_recs import ranker


def model(dbt, session):
    dbt.config(materialized="table")
    return ranker.score_table(dbt.ref("eval_ranker_model"), dbt.ref("eval_ranker_features"))
