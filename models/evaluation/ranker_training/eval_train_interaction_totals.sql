-- Ranker-training replay of int_interaction_totals on the events up to the ranker's training cutoff (same macro, training inputs).
{{ total_interactions(events=ref('eval_train_events_weighted')) }}
