-- Built by macro count_item_pairs (macros/pipeline/count_item_pairs.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ count_item_pairs(
    transactions=ref('int_cooccurrence_transactions')
) }}
