-- Each ranker source's list at the evaluation cutoff for the evaluated customers (macro
-- gather_ranker_sources): the rows eval_ranker_candidates fuses and pivots.
{{ gather_ranker_sources(
    interactions=ref('eval_fct_interactions'),
    items=ref('eval_dim_items'),
    customers=ref('eval_dim_customers'),
    similarity=ref('eval_item_similarity'),
    neighbours=ref('eval_user_neighbours'),
    profiles=ref('eval_user_term_profiles'),
    item_terms=ref('int_item_content_terms'),
    popular_items=ref('eval_popular_items'),
    intervals=ref('eval_purchase_intervals'),
    svd_candidates=ref('eval_svd_candidates'),
    ease_candidates="(select * from " ~ ref('eval_ease_candidates') ~ " where protocol = 'repeats_allowed')",
    as_of=eval_cutoff_timestamp(),
    n=ranker_source_depth(eval_list_length()),
    for_customers=ref('eval_truth')
) }}
