-- Built by macro describe_items (macros/pipeline/describe_items.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ describe_items(
    items=ref('stg_items'),
    categories=ref('item_categories'),
    totals=ref('int_interaction_totals'),
    events=ref('int_events_weighted'),
    basket_items=ref('fct_basket_items'),
    purchase_intervals=ref('int_purchase_intervals')
) }}
