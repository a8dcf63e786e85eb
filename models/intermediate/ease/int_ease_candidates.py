"""EASE scores for every customer: the best active items among the most-bought ones, bought
non-repeatable items excluded, as many per customer as the longer of the published list and
the ranker's per-source depth (int_ranker_sources applies the shared rules downstream).

Thin on purpose: the work is retail_recs.python_recommenders.ease_candidate_table (shared
with the evaluation replay); the math is retail_recs.ease.
"""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.ease_candidate_table(
        dbt.ref("fct_interactions"),
        dbt.ref("dim_customers"),
        dbt.ref("dim_items"),
        l2=float(dbt.config.get("l2")),
        max_items=int(dbt.config.get("max_items")),
        candidates=int(dbt.config.get("candidates")),
    )
