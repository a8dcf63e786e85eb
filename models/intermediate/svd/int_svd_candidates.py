"""SVD scores for every customer: the best active items not ruled out by an earlier purchase.

Thin on purpose: the work is retail_recs.python_recommenders.candidate_table (shared with the
evaluation replay). Inactive items are left out of the scoring and bought non-repeatable ones
excluded, so the shared ranking rules downstream (in int_ranker_sources) rarely have anything
left to remove.
"""

from retail_recs import python_recommenders


def model(dbt, session):
    dbt.config(materialized="table")
    return python_recommenders.candidate_table(
        dbt.ref("int_svd_factors"),
        dbt.ref("dim_items"),
        dbt.ref("fct_interactions"),
        candidates=int(dbt.config.get("candidates")),
    )
