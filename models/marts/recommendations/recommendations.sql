-- Built by macro blend_recommendations (macros/pipeline/blend_recommendations.sql, which
-- documents the logic), with the weights and category cap of the strategy that scored best on
-- this shop's evaluation window (recommendation_strategy, repeats_allowed: the blend, the
-- learned ranker, or one algorithm alone); the evaluation replay calls the same macro.
-- Each algorithm's list is the top of its rows in int_ranker_sources (macro source_lists), as
-- deep as the replay's lists (var retail_recs__eval_list_length, or the list length when
-- longer); the ranker's is its published list, which carries the reasons of its rows.
{%- set chosen -%}
    (select * from {{ ref('recommendation_strategy') }} where protocol = 'repeats_allowed')
{%- endset %}
{%- set n = number_var('retail_recs__recommendations_per_user') %}
{%- set lists = source_lists(ref('int_ranker_sources'), depth=[eval_list_length(), n] | max) %}
{%- do lists.update({'ranker': ref('recommendations_ranker')}) %}
{{ blend_recommendations(
    lists=lists,
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    similarity=ref('item_similarity'),
    intervals=ref('int_purchase_intervals'),
    customers=ref('dim_customers'),
    popular_items=ref('popular_items'),
    n=n,
    weights=strategy_weights(chosen),
    caps_categories=strategy_caps_categories(chosen),
    ranker_reasons=ref('recommendations_ranker')
) }}
