-- Built by macro rank_popular_items (macros/pipeline/rank_popular_items.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ rank_popular_items(
    events=ref('int_events_weighted'),
    customers=ref('dim_customers'),
    items=ref('dim_items'),
    n=[number_var('retail_recs__recommendations_per_user'), number_var('retail_recs__ranker_candidates_per_source')] | max
) }}
