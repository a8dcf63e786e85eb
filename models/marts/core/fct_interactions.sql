-- Built by macro aggregate_interactions (macros/pipeline/aggregate_interactions.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ aggregate_interactions(
    events=ref('int_events_weighted'),
    items=ref('dim_items'),
    customers=ref('dim_customers')
) }}
