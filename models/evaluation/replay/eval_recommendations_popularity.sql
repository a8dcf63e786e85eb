-- Evaluation replay of recommendations_popularity on the events up to the evaluation cutoff (same macro, training inputs).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_popularity(
    customers=ref('eval_dim_customers'),
    popular_items=ref('eval_popular_items'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    for_customers=ref('eval_truth')
) }}
