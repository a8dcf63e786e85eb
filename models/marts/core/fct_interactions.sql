-- Built by macro aggregate_interactions (macros/pipeline/aggregate_interactions.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ aggregate_interactions(
    totals=ref('int_interaction_totals'),
    items=ref('dim_items'),
    customers=ref('dim_customers'),
    as_of=as_of_timestamp()
) }}
