-- Evaluation replay of dim_items on the events up to the evaluation cutoff (same macro, training inputs).
{{ describe_items(
    items=ref('stg_items'),
    events=ref('eval_events_weighted'),
    purchase_intervals=ref('eval_purchase_intervals')
) }}
