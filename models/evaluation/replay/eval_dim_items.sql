-- Evaluation replay of dim_items on the events up to the evaluation cutoff (same macro, training inputs).
{{ describe_items(
    items=ref('stg_items'),
    categories=ref('item_categories'),
    totals=ref('eval_interaction_totals'),
    events=ref('eval_events_weighted'),
    basket_items=ref('eval_fct_basket_items'),
    purchase_intervals=ref('eval_purchase_intervals')
) }}
