-- The ranker's features at the evaluation cutoff, labelled with eval_truth: the replayed ranker scores them, production's ranker learns from them (macro describe_ranker_candidates).
{{ describe_ranker_candidates(
    candidates=ref('eval_ranker_candidates'),
    events=ref('eval_events_weighted'),
    interactions=ref('eval_fct_interactions'),
    intervals=ref('eval_purchase_intervals'),
    items=ref('eval_dim_items'),
    customers=ref('eval_dim_customers'),
    similarity=ref('eval_item_similarity'),
    as_of=eval_cutoff_timestamp(),
    labels=ref('eval_truth')
) }}
