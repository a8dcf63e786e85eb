"""EASE scores for every customer: the best active items among the most-bought ones, bought
non-repeatable items excluded, three times N per customer for the shared rules downstream
(recommendations_ease).

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
