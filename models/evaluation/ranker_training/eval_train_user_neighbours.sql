-- Ranker-training replay of int_user_neighbours on the events up to the ranker's training cutoff (same macro, training inputs).
{{ find_user_neighbours(interactions=ref('eval_train_fct_interactions'), customers=ref('eval_train_dim_customers')) }}
