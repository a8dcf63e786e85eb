"""Production's ranker scores: int_ranker_model applied to every candidate of
int_ranker_features (retail_recs.ranker.score_table)."""

from retail_recs import ranker


def model(dbt, session):
    dbt.config(materialized="table")
    return ranker.score_table(dbt.ref("int_ranker_model"), dbt.ref("int_ranker_features"))
