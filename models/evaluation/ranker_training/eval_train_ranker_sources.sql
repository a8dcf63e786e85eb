-- Each ranker source's list at the ranker's training cutoff for the customers of eval_train_truth
-- (macro gather_ranker_sources): the rows eval_train_ranker_candidates fuses and pivots.
{{ gather_ranker_sources(
    interactions=ref('eval_train_fct_interactions'),
    items=ref('eval_train_dim_items'),
    customers=ref('eval_train_dim_customers'),
    similarity=ref('eval_train_item_similarity'),
    neighbours=ref('eval_train_user_neighbours'),
    profiles=ref('eval_train_user_term_profiles'),
    item_terms=ref('int_item_content_terms'),
    popular_items=ref('eval_train_popular_items'),
    intervals=ref('eval_train_purchase_intervals'),
    svd_candidates=ref('eval_train_svd_candidates'),
    ease_candidates=ref('eval_train_ease_candidates'),
    as_of=eval_training_cutoff_timestamp(),
    n=number_var('retail_recs__ranker_candidates_per_source'),
    for_customers=ref('eval_train_truth')
) }}
