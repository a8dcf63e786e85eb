-- Evaluation replay of recommendations_buy_again for the new-items protocol: the same macro on
-- the training events, with no purchased item recommended again (repeat_purchases=false).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_buy_again(
    intervals=ref('eval_purchase_intervals'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    as_of=eval_cutoff_timestamp(),
    n=eval_list_length(),
    repeat_purchases=false,
    for_customers=ref('eval_truth')
) }}
