-- Each ranker source's list for every customer now, plus what each customer bought and can
-- buy again (macro gather_ranker_sources): the rows int_ranker_candidates fuses and pivots,
-- and the lists the published and blended lists take from (macro take_source_list).
{{ gather_ranker_sources(
    interactions=ref('fct_interactions'),
    items=ref('dim_items'),
    customers=ref('dim_customers'),
    similarity=ref('item_similarity'),
    neighbours=ref('int_user_neighbours'),
    profiles=ref('int_user_term_profiles'),
    item_terms=ref('int_item_content_terms'),
    popular_items=ref('popular_items'),
    intervals=ref('int_purchase_intervals'),
    svd_candidates=ref('int_svd_candidates'),
    ease_candidates=ref('int_ease_candidates'),
    as_of=as_of_timestamp(),
    n=ranker_source_depth([eval_list_length(), number_var('retail_recs__recommendations_per_user')] | max)
) }}
