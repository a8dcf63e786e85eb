-- Evaluation replay of recommendations_svd for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
{{ recommend_from_candidates(
    candidates=ref('eval_svd_candidates_new_items'),
    algorithm='svd',
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    repeat_purchases=false,
    positive_scores_only=false
) }}
