-- Evaluation replay of recommendations_buy_again on the events up to the evaluation cutoff (same macro, training inputs).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_buy_again(
    intervals=ref('eval_purchase_intervals'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    as_of=eval_cutoff_timestamp(),
    n=eval_list_length(),
    for_customers=ref('eval_truth')
) }}
