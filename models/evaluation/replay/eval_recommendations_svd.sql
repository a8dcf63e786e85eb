-- Evaluation replay of recommendations_svd: the top of its rows in eval_ranker_sources (the
-- evaluated customers' lists at the evaluation cutoff), as production takes it from int_ranker_sources.
{{ take_source_list(
    sources=ref('eval_ranker_sources'),
    source='svd',
    n=eval_list_length()
) }}
