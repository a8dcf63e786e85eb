-- Evaluation replay of fct_basket_items on the events up to the evaluation cutoff (same macro, training inputs).
{{ collect_basket_items(events=ref('eval_events_weighted')) }}
