-- Built by macro recommend_user_cf (macros/pipeline/recommend_user_cf.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ recommend_user_cf(
    neighbours=ref('int_user_neighbours'),
    interactions=ref('fct_interactions'),
    customers=ref('dim_customers'),
    items=ref('dim_items'),
    n=number_var('retail_recs__recommendations_per_user')
) }}
