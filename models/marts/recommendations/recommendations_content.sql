-- Built by macro recommend_content (macros/pipeline/recommend_content.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ recommend_content(
    profiles=ref('int_user_term_profiles'),
    item_terms=ref('int_item_content_terms'),
    customers=ref('dim_customers'),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    n=number_var('retail_recs__recommendations_per_user')
) }}
