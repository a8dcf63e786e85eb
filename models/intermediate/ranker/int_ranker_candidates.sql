-- The ranker's candidates for every customer now (macro gather_ranker_candidates).
{{ gather_ranker_candidates(
    sources=ref('int_ranker_sources'),
    per_source=number_var('retail_recs__ranker_candidates_per_source'),
    max_rows=number_var('retail_recs__ranker_max_candidates'),
    min_per_kind=number_var('retail_recs__recommendations_per_user'),
    budget_customers=ref('dim_customers')
) }}
