-- Evaluation replay of popular_items on the events up to the evaluation cutoff (same macro, training inputs).
{{ rank_popular_items(
    events=ref('eval_events_weighted'),
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    n=[eval_list_length(), number_var('retail_recs__ranker_candidates_per_source')] | max
) }}
