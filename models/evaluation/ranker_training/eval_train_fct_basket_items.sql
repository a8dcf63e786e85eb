-- Ranker-training replay of fct_basket_items on the events up to the ranker's training cutoff (same macro, training inputs).
{{ collect_basket_items(events=ref('eval_train_events_weighted')) }}
