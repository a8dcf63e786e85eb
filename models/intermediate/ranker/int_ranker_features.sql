-- The ranker's features of the candidates it scores now: those within the budget the shop's
-- evaluation chose (macro within_candidate_budget), described by macro describe_ranker_candidates.
{{ describe_ranker_candidates(
    candidates=within_candidate_budget(ref('int_ranker_candidates'), ref('ranker_candidate_budget')),
    events=ref('int_events_weighted'),
    interactions=ref('fct_interactions'),
    intervals=ref('int_purchase_intervals'),
    items=ref('dim_items'),
    customers=ref('dim_customers'),
    similarity=ref('item_similarity'),
    as_of=as_of_timestamp()
) }}
