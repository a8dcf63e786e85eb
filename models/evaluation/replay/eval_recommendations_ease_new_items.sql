-- Evaluation replay of recommendations_ease for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
{{ recommend_from_candidates(
    candidates=ref('eval_ease_candidates_new_items'),
    algorithm='ease',
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    repeat_purchases=false
) }}
