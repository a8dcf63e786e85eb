-- Evaluation replay of item_similarity on the events up to the evaluation cutoff (same macro, training inputs).
{{ rank_item_similarity(pairs=ref('eval_item_pairs')) }}
