-- The ranker's features at the ranker's training cutoff, labelled with eval_train_truth: what the evaluation's ranker learns from (macro describe_ranker_candidates).
{{ describe_ranker_candidates(
    candidates=ref('eval_train_ranker_candidates'),
    events=ref('eval_train_events_weighted'),
    interactions=ref('eval_train_fct_interactions'),
    intervals=ref('eval_train_purchase_intervals'),
    items=ref('eval_train_dim_items'),
    customers=ref('eval_train_dim_customers'),
    similarity=ref('eval_train_item_similarity'),
    as_of=eval_training_cutoff_timestamp(),
    labels=ref('eval_train_truth')
) }}
