-- Ranker-training replay of int_item_pair_counts on the events up to the ranker's training cutoff (same macro, training inputs).
{{ count_item_pairs(transactions=ref('eval_train_cooccurrence_transactions')) }}
