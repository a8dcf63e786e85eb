-- Truncated-SVD recommendations under the rules every recommender shares. SVD scores are
-- dot products of factors; the best available may be negative, so they are all kept.
with candidates as (
    select
        customers.user_id,
        items.item_id,
        svd_candidates.score
    from {{ ref('int_svd_candidates') }} as svd_candidates
    inner join {{ ref('dim_customers') }} as customers
        on svd_candidates.user_index = customers.user_index
    inner join {{ ref('dim_items') }} as items
        on svd_candidates.item_index = items.item_index
),

final as (
    {{ rank_recommendations('candidates', 'svd', positive_scores_only=false) }}
)

select * from final
