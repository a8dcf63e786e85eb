-- Built by macro measure_item_pairs (macros/pipeline/measure_item_pairs.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ measure_item_pairs(
    pair_counts=ref('int_item_pair_counts'),
    transactions=ref('int_cooccurrence_transactions'),
    items=ref('dim_items')
) }}
