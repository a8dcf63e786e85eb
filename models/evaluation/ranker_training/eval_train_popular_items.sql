-- Ranker-training replay of popular_items on the events up to the ranker's training cutoff (same macro, training inputs).
{{ rank_popular_items(
    events=ref('eval_train_events_weighted'),
    customers=ref('eval_train_dim_customers'),
    items=ref('eval_train_dim_items'),
    n=[eval_list_length(), number_var('retail_recs__ranker_candidates_per_source')] | max
) }}
