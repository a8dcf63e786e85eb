-- Evaluation replay of recommendations_svd on the events up to the evaluation cutoff (same macro, training inputs).
{{ recommend_from_candidates(
    candidates=ref('eval_svd_candidates'),
    algorithm='svd',
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length(),
    positive_scores_only=false
) }}
