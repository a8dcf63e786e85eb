-- The ease list: the top of its rows in int_ranker_sources (macro take_source_list), where
-- macro recommend_from_candidates computes it for the ranker too; the evaluation replay does the same.
{{ take_source_list(
    sources=ref('int_ranker_sources'),
    source='ease',
    n=number_var('retail_recs__recommendations_per_user')
) }}
