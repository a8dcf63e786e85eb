-- Built by macro blend_recommendations (macros/pipeline/blend_recommendations.sql, which
-- documents the logic), with the weights and category cap of the strategy that scored best on
-- this shop's evaluation window (recommendation_strategy, repeats_allowed: the blend, the
-- learned ranker, or one algorithm alone); the evaluation replay calls the same macro.
{%- set chosen -%}
    (select * from {{ ref('recommendation_strategy') }} where protocol = 'repeats_allowed')
{%- endset %}
{{ blend_recommendations(
    lists=blend_lists('recommendations_', with_ranker=true),
    items=ref('dim_items'),
    interactions=ref('fct_interactions'),
    similarity=ref('item_similarity'),
    intervals=ref('int_purchase_intervals'),
    customers=ref('dim_customers'),
    popular_items=ref('popular_items'),
    n=number_var('retail_recs__recommendations_per_user'),
    weights=strategy_weights(chosen),
    caps_categories=strategy_caps_categories(chosen),
    ranker_reasons=ref('recommendations_ranker')
) }}
