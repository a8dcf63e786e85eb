{#- Item-based collaborative filtering in the style of SAR (Microsoft Recommenders):
    score(u, i) = Σ_j affinity(u, j) · similarity(j, i) over the customer's items j with
    positive affinity and the neighbours i of j in item_similarity. The sums run on the dense
    indexes, which join and sort much faster than the text ids.
    Called by macro gather_ranker_sources (whose rows recommendations_item_cf and its replay
    take) and by the new-items replay (for_customers: the evaluated customers only, macro
    only_for_customers). -#}
{% macro recommend_item_cf(interactions, items, similarity, customers, n, repeat_purchases=true, for_customers=none) %}
with affinities as (
    select user_index, item_index, affinity
    from {{ interactions }}
    where affinity > 0
        {{- only_for_customers('user_id', for_customers) }}
),

items as (
    select item_id, item_index, is_active from {{ items }}
),

-- Inactive neighbours can never be shown; leaving them out keeps the shortlist exact.
similarity as (
    select
        anchors.item_index,
        neighbours.item_index as similar_item_index,
        item_similarity.similarity
    from {{ similarity }} as item_similarity
    inner join items as anchors
        on item_similarity.item_id = anchors.item_id
    inner join items as neighbours
        on item_similarity.similar_item_id = neighbours.item_id
    where neighbours.is_active
),

scored_indexes as (
    select
        affinities.user_index,
        similarity.similar_item_index as item_index,
        -- Rounded so that parallel summation order cannot reorder near-ties between builds.
        round(sum(affinities.affinity * similarity.similarity), 10) as score
    from affinities
    inner join similarity
        on affinities.item_index = similarity.item_index
    group by affinities.user_index, similarity.similar_item_index
),

scored as (
    {{ shortlist_by_index('scored_indexes', customers, items, interactions, n) }}
),

final as (
    {{ rank_recommendations('scored', 'item_cf', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
