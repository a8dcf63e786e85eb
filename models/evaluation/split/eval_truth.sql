-- What each customer really bought in the test window that model eval_window chose, the days
-- after the evaluation cutoff: the answer key of the offline evaluation, for at most var
-- retail_recs__eval_max_customers customers (macro collect_window_purchases).
{{ collect_window_purchases(
    events=ref('stg_events'),
    cutoff=eval_cutoff_timestamp(),
    days=eval_test_days(),
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    max_customers=number_var('retail_recs__eval_max_customers')
) }}
