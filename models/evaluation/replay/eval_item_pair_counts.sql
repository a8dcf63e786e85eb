-- Evaluation replay of int_item_pair_counts on the events up to the evaluation cutoff (same macro, training inputs).
{{ count_item_pairs(transactions=ref('eval_cooccurrence_transactions')) }}
