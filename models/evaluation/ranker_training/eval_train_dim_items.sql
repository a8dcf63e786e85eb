-- Ranker-training replay of dim_items on the events up to the ranker's training cutoff (same macro, training inputs).
{{ describe_items(
    items=ref('stg_items'),
    categories=ref('item_categories'),
    totals=ref('eval_train_interaction_totals'),
    events=ref('eval_train_events_weighted'),
    basket_items=ref('eval_train_fct_basket_items'),
    purchase_intervals=ref('eval_train_purchase_intervals')
) }}
