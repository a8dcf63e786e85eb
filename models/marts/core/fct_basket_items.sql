-- Built by macro collect_basket_items (macros/pipeline/collect_basket_items.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ collect_basket_items(
    events=ref('int_events_weighted')
) }}
