-- Evaluation replay of int_purchase_intervals on the events up to the evaluation cutoff (same macro, training inputs).
{{ summarize_purchase_intervals(totals=ref('eval_interaction_totals')) }}
