-- Ranker-training replay of item_pairs on the events up to the ranker's training cutoff (same macro, training inputs).
{{ measure_item_pairs(
    pair_counts=ref('eval_train_item_pair_counts'),
    transactions=ref('eval_train_cooccurrence_transactions'),
    items=ref('eval_train_dim_items')
) }}
