-- Content-based recommendations: items whose text matches what the customer engaged with,
-- score = Σ over terms of profile weight × item weight (a cosine of two TF-IDF vectors), so
-- they work for new and rarely bought items that collaborative filtering cannot reach. Each
-- term brings only its var('retail_recs__content_items_per_term') highest-weighted active
-- items: without the cap a common term would pair every profile holding it with every item
-- that has it. Inactive items are left out before the cap so they take no places in it. The
-- sums run on the dense indexes, which join and sort much faster than the text ids.
with profiles as (
    select user_id, term, weight from {{ ref('int_user_term_profiles') }}
),

item_terms as (
    select item_id, term, weight from {{ ref('int_item_terms') }}
),

interactions as (
    select user_index, has_purchased from {{ ref('fct_interactions') }}
),

customers as (
    select user_id, user_index from {{ ref('dim_customers') }}
),

items as (
    select item_id, item_index, is_active from {{ ref('dim_items') }}
),

indexed_profiles as (
    select
        customers.user_index,
        profiles.term,
        profiles.weight
    from profiles
    inner join customers
        on profiles.user_id = customers.user_id
),

active_item_terms as (
    select
        items.item_index,
        item_terms.term,
        item_terms.weight,
        row_number() over (
            partition by item_terms.term
            order by item_terms.weight desc, items.item_index
        ) as term_item_rank
    from item_terms
    inner join items
        on item_terms.item_id = items.item_id
    where items.is_active
),

capped as (
    select item_index, term, weight from active_item_terms
    where term_item_rank <= {{ var('retail_recs__content_items_per_term') }}
),

-- Rounded to 9 decimals: items that differ only in terms outside the profile score the same,
-- and parallel sums would otherwise order them differently from build to build.
scored_indexes as (
    select
        indexed_profiles.user_index,
        capped.item_index,
        round(sum(indexed_profiles.weight * capped.weight), 9) as score
    from indexed_profiles
    inner join capped
        on indexed_profiles.term = capped.term
    group by indexed_profiles.user_index, capped.item_index
),

purchased_counts as (
    select
        user_index,
        count(*) as purchased_item_count
    from interactions
    where has_purchased
    group by user_index
),

-- rank_recommendations can drop only the customer's purchased items from these candidates, so
-- the best N + (items purchased) hold its whole result; item_index sorts like item_id, so
-- ties break the same way. Cutting here keeps its sort on text ids to a few rows per customer.
ranked_indexes as (
    select
        scored_indexes.user_index,
        scored_indexes.item_index,
        scored_indexes.score,
        row_number() over (
            partition by scored_indexes.user_index
            order by scored_indexes.score desc, scored_indexes.item_index
        ) as score_rank,
        {{ var('retail_recs__recommendations_per_user') }}
            + coalesce(purchased_counts.purchased_item_count, 0) as shortlist_size
    from scored_indexes
    left join purchased_counts
        on scored_indexes.user_index = purchased_counts.user_index
),

shortlisted as (
    select user_index, item_index, score from ranked_indexes
    where score_rank <= shortlist_size
),

scored as (
    select
        customers.user_id,
        items.item_id,
        shortlisted.score
    from shortlisted
    inner join customers
        on shortlisted.user_index = customers.user_index
    inner join items
        on shortlisted.item_index = items.item_index
),

final as (
    {{ rank_recommendations('scored', 'content') }}
)

select * from final
