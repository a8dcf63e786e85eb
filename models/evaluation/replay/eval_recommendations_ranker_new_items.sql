-- Evaluation replay of the learned ranker's list (new_items protocol): eval_ranker_scores (a model
-- trained before the evaluation cutoff) of the candidates within the budget production scores
-- (ranker_candidate_budget), under the shared rules (macro recommend_from_ranker).
{{ recommend_from_ranker(
    scores=scores_within_candidate_budget(
        ref('eval_ranker_scores'), ref('eval_ranker_candidates'), ref('ranker_candidate_budget')
    ),
    protocol='new_items',
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    n=eval_list_length()
) }}
