-- Evaluation replay of recommendations_item_cf for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_item_cf(
    interactions=ref('eval_fct_interactions'),
    items=ref('eval_dim_items'),
    similarity=ref('eval_item_similarity'),
    customers=ref('eval_dim_customers'),
    n=eval_list_length(),
    repeat_purchases=false,
    for_customers=ref('eval_truth')
) }}
