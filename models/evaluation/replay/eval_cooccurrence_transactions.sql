-- Evaluation replay of int_cooccurrence_transactions on the events up to the evaluation cutoff (same macro, training inputs).
{{ cooccurrence_transactions(
    items=ref('eval_dim_items'),
    basket_items=ref('eval_fct_basket_items'),
    interactions=ref('eval_fct_interactions')
) }}
