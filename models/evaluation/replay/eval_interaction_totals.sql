-- Evaluation replay of int_interaction_totals on the events up to the evaluation cutoff (same macro, training inputs).
{{ total_interactions(events=ref('eval_events_weighted')) }}
