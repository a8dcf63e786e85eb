-- Built by macro recommend_item_cf (macros/pipeline/recommend_item_cf.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ recommend_item_cf(
    interactions=ref('fct_interactions'),
    items=ref('dim_items'),
    similarity=ref('item_similarity'),
    customers=ref('dim_customers'),
    n=number_var('retail_recs__recommendations_per_user')
) }}
