-- Evaluation replay of the learned ranker's list (new_items protocol): eval_ranker_scores (a model
-- trained before the evaluation cutoff) under the shared rules (macro recommend_from_ranker).
{{ recommend_from_ranker(
    scores=ref('eval_ranker_scores'),
    protocol='new_items',
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length()
) }}
