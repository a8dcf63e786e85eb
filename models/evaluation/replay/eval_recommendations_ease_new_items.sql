-- Evaluation replay of recommendations_ease for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false), on
-- the new-items rows of eval_ease_candidates.
{{ recommend_from_candidates(
    candidates="(select * from " ~ ref('eval_ease_candidates') ~ " where protocol = 'new_items')",
    algorithm='ease',
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    repeat_purchases=false
) }}
