-- Evaluation replay of fct_interactions on the events up to the evaluation cutoff (same macro, training inputs).
{{ aggregate_interactions(
    events=ref('eval_events_weighted'),
    items=ref('eval_dim_items'),
    customers=ref('eval_dim_customers')
) }}
