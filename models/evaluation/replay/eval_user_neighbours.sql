-- Evaluation replay of int_user_neighbours on the events up to the evaluation cutoff (same macro,
-- training inputs), for the evaluated customers only (eval_truth): their user-CF lists are the
-- only ones replayed.
{{ find_user_neighbours(
    interactions=ref('eval_fct_interactions'),
    customers=ref('eval_dim_customers'),
    for_customers=ref('eval_truth')
) }}
