-- The ranker's features of every candidate now, which production's ranker scores (macro describe_ranker_candidates).
{{ describe_ranker_candidates(
    candidates=ref('int_ranker_candidates'),
    events=ref('int_events_weighted'),
    interactions=ref('fct_interactions'),
    intervals=ref('int_purchase_intervals'),
    items=ref('dim_items'),
    customers=ref('dim_customers'),
    similarity=ref('item_similarity'),
    as_of=as_of_timestamp()
) }}
