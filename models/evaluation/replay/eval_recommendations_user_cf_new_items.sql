-- Evaluation replay of recommendations_user_cf for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_user_cf(
    neighbours=ref('eval_user_neighbours'),
    interactions=ref('eval_fct_interactions'),
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    n=eval_list_length(),
    repeat_purchases=false,
    for_customers=ref('eval_truth')
) }}
