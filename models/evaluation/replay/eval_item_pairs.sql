-- Evaluation replay of item_pairs on the events up to the evaluation cutoff (same macro, training inputs).
{{ measure_item_pairs(
    pair_counts=ref('eval_item_pair_counts'),
    transactions=ref('eval_cooccurrence_transactions'),
    items=ref('eval_dim_items')
) }}
