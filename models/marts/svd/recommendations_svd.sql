-- Built by macro recommend_from_candidates (macros/pipeline/recommend_from_candidates.sql,
-- which documents the logic); the evaluation replay calls it too, on the training period.
{{ recommend_from_candidates(
    candidates=ref('int_svd_candidates'),
    algorithm='svd',
    customers=ref('dim_customers'),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    n=number_var('retail_recs__recommendations_per_user'),
    positive_scores_only=false
) }}
