-- The discovery list: like recommendations, but never an item the customer bought, and served
-- by the strategy that scored best on the new-items protocol of this shop's evaluation window
-- (recommendation_strategy, new_items: the blend, the learned ranker, or one algorithm alone).
-- Each algorithm's list is its never-bought candidates (macro new_item_lists), as deep as the
-- replay's lists (var retail_recs__eval_list_length, or the list length when longer); the
-- ranker's is its new-items model's list. Campaigns use it as recommender 'new_items'.
{%- set chosen -%}
    (select * from {{ ref('recommendation_strategy') }} where protocol = 'new_items')
{%- endset %}
{%- set n = number_var('retail_recs__recommendations_per_user') %}
{%- set lists = new_item_lists(ref('int_ranker_candidates'), depth=[eval_list_length(), n] | max) %}
{%- do lists.update({'ranker': 'ranker_list'}) %}
-- The ranker's list is both a blended list and the source of its reasons: one CTE, so that
-- DuckDB computes it once (inlined twice it cost 3 of 31 s at 10M events).
with ranker_list as (
    {{ recommend_from_ranker(
        scores=ref('int_ranker_scores'),
        protocol='new_items',
        items=ref('dim_items'),
        interactions=ref('fct_interactions'),
        n=n,
        features=ref('int_ranker_features')
    ) }}
),

discovery_list as (
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
        ranker_reasons='ranker_list'
    ) }}
)

select * from discovery_list
