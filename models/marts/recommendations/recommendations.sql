-- Built by macro blend_recommendations (macros/pipeline/blend_recommendations.sql, which
-- documents the logic); the evaluation replay calls it too, on the training period.
{{ blend_recommendations(
    lists=blend_lists('recommendations_'),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    similarity=ref('item_similarity'),
    intervals=ref('int_purchase_intervals'),
    customers=ref('dim_customers'),
    popular_items=ref('popular_items'),
    n=number_var('retail_recs__recommendations_per_user')
) }}
