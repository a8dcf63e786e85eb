-- Evaluation replay of recommendations_ease on the events up to the evaluation cutoff (same macro, training inputs).
{{ recommend_from_candidates(
    candidates=ref('eval_ease_candidates'),
    algorithm='ease',
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length()
) }}
