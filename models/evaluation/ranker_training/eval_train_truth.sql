-- The labels of the evaluation's ranker: what each customer bought in the window between the
-- ranker's training cutoff and the evaluation cutoff (macro collect_window_purchases). At most
-- var retail_recs__ranker_training_customers customers, and never more than production's
-- ranker can learn from: it learns from the evaluated customers (eval_truth, at most var
-- retail_recs__eval_max_customers), and the replay must score the ranker production serves.
{{ collect_window_purchases(
    events=ref('stg_events'),
    cutoff=eval_training_cutoff_timestamp(),
    days=ranker_horizon_days(),
    customers=ref('eval_train_dim_customers'),
    items=ref('eval_train_dim_items'),
    interactions=ref('eval_train_fct_interactions'),
    max_customers=[
        number_var('retail_recs__ranker_training_customers'),
        number_var('retail_recs__eval_max_customers')
    ] | min
) }}
