-- Ranker-training replay of item_similarity on the events up to the ranker's training cutoff (same macro, training inputs).
{{ rank_item_similarity(pairs=ref('eval_train_item_pairs')) }}
