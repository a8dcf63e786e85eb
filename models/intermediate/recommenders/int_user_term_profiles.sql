-- Built by macro build_user_term_profiles (macros/pipeline/build_user_term_profiles.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ build_user_term_profiles(
    interactions=ref('fct_interactions'),
    item_terms=ref('int_item_content_terms'),
    customers=ref('dim_customers'),
    items=ref('dim_items')
) }}
