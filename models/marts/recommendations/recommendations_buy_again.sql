-- Built by macro recommend_buy_again (macros/pipeline/recommend_buy_again.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ recommend_buy_again(
    intervals=ref('int_purchase_intervals'),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    as_of=as_of_timestamp(),
    n=number_var('retail_recs__recommendations_per_user')
) }}
