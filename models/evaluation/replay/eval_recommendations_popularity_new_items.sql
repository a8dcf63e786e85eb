-- Evaluation replay of recommendations_popularity for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_popularity(
    customers=ref('eval_dim_customers'),
    popular_items=ref('eval_popular_items'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    repeat_purchases=false,
    for_customers=ref('eval_truth')
) }}
