-- The learned ranker's list: int_ranker_scores (repeats allowed) under the shared rules, each
-- row with the source or feature that explains it (macro recommend_from_ranker).
{{ recommend_from_ranker(
    scores=ref('int_ranker_scores'),
    protocol='repeats_allowed',
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    n=number_var('retail_recs__recommendations_per_user'),
    features=ref('int_ranker_features')
) }}
