-- Ranker-training replay of fct_interactions on the events up to the ranker's training cutoff (same macro, training inputs).
{{ aggregate_interactions(
    totals=ref('eval_train_interaction_totals'),
    items=ref('eval_train_dim_items'),
    customers=ref('eval_train_dim_customers'),
    as_of=eval_training_cutoff_timestamp()
) }}
