-- Built by macro recommend_popularity (macros/pipeline/recommend_popularity.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ recommend_popularity(
    customers=ref('dim_customers'),
    popular_items=ref('popular_items'),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    n=number_var('retail_recs__recommendations_per_user')
) }}
