-- Evaluation replay of int_user_neighbours on the events up to the evaluation cutoff (same macro, training inputs).
{{ find_user_neighbours(interactions=ref('eval_fct_interactions'), customers=ref('eval_dim_customers')) }}
