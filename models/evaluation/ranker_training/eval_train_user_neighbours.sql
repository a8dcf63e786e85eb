-- Ranker-training replay of int_user_neighbours on the events up to the ranker's training cutoff
-- (same macro, training inputs), for the customers the ranker learns from only (eval_train_truth).
{{ find_user_neighbours(
    interactions=ref('eval_train_fct_interactions'),
    customers=ref('eval_train_dim_customers'),
    for_customers=ref('eval_train_truth')
) }}
