-- Evaluation replay of recommendations_content for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_content(
    profiles=ref('eval_user_term_profiles'),
    item_terms=ref('int_item_content_terms'),
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    repeat_purchases=false,
    for_customers=ref('eval_truth')
) }}
