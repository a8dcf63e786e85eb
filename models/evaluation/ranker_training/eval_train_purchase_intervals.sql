-- Ranker-training replay of int_purchase_intervals on the events up to the ranker's training cutoff (same macro, training inputs).
{{ summarize_purchase_intervals(totals=ref('eval_train_interaction_totals')) }}
