-- Ranker-training replay of int_cooccurrence_transactions on the events up to the ranker's training cutoff (same macro, training inputs).
{{ cooccurrence_transactions(
    items=ref('eval_train_dim_items'),
    basket_items=ref('eval_train_fct_basket_items'),
    interactions=ref('eval_train_fct_interactions')
) }}
