-- Evaluation replay of recommendations_item_cf on the events up to the evaluation cutoff (same macro, training inputs).
-- Only the evaluated customers' lists (eval_truth): the metrics score no one else.
{{ recommend_item_cf(
    interactions=ref('eval_fct_interactions'),
    items=ref('eval_dim_items'),
    similarity=ref('eval_item_similarity'),
    customers=ref('eval_dim_customers'),
    n=eval_list_length(),
    for_customers=ref('eval_truth')
) }}
