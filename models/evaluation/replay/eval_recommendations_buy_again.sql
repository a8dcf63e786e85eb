-- Evaluation replay of recommendations_buy_again on the events up to the evaluation cutoff (same macro, training inputs).
{{ recommend_buy_again(
    intervals=ref('eval_purchase_intervals'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    as_of=eval_cutoff_timestamp(),
    n=eval_list_length()
) }}
