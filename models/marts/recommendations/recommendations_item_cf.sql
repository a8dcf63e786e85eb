-- Item-based collaborative filtering in the style of SAR (Microsoft Recommenders):
-- score(u, i) = Σ_j affinity(u, j) · similarity(j, i) over the customer's items j with
-- positive affinity and the neighbours i of j in item_similarity.
with affinities as (
    select user_id, item_id, affinity
    from {{ ref('fct_interactions') }}
    where affinity > 0
),

similarity as (
    select item_id, similar_item_id, similarity from {{ ref('item_similarity') }}
),

scored as (
    select
        affinities.user_id,
        similarity.similar_item_id as item_id,
        -- Rounded so that parallel summation order cannot reorder near-ties between builds.
        round(sum(affinities.affinity * similarity.similarity), 10) as score
    from affinities
    inner join similarity
        on affinities.item_id = similarity.item_id
    group by affinities.user_id, similarity.similar_item_id
),

final as (
    {{ rank_recommendations('scored', 'item_cf') }}
)

select * from final
