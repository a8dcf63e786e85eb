{#- User-based collaborative filtering: what a customer's most similar customers engaged with.
    score = Σ correlation × the neighbour's affinity, over the neighbours (int_user_neighbours)
    with a positive affinity for the item, so an item liked by several close neighbours ranks
    first; the shared rules of rank_recommendations then pick what may be shown. The sums run
    on the dense indexes, which join and sort much faster than the text ids.
    Called by macro gather_ranker_sources (whose rows recommendations_user_cf and its replay
    take) and by the new-items replay (for_customers: the evaluated customers only, macro
    only_for_customers). -#}
{% macro recommend_user_cf(neighbours, interactions, customers, items, n, repeat_purchases=true, for_customers=none) %}
with neighbours as (
    select user_id, neighbour_user_id, correlation from {{ neighbours }}
    where true
        {{- only_for_customers('user_id', for_customers) }}
),

interactions as (
    select user_index, item_index, affinity from {{ interactions }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

items as (
    select item_id, item_index, is_active from {{ items }}
),

indexed_neighbours as (
    select
        users.user_index,
        neighbour_customers.user_index as neighbour_index,
        neighbours.correlation
    from neighbours
    inner join customers as users
        on neighbours.user_id = users.user_id
    inner join customers as neighbour_customers
        on neighbours.neighbour_user_id = neighbour_customers.user_id
),

-- Inactive items can never be shown; leaving them out here keeps the shortlist below exact.
neighbour_affinities as (
    select
        interactions.user_index,
        interactions.item_index,
        interactions.affinity
    from interactions
    inner join items
        on interactions.item_index = items.item_index
    where interactions.affinity > 0
        and items.is_active
),

-- Summed exactly (correlations have 9 decimals, affinities 10) and rounded to 9 decimals, so
-- that rebuilds give the same scores and break their ties the same way.
scored_indexes as (
    select
        indexed_neighbours.user_index,
        neighbour_affinities.item_index,
        {{ exact_sum_of_products('indexed_neighbours.correlation', 9, 'neighbour_affinities.affinity', 10, 9) }} as score
    from indexed_neighbours
    inner join neighbour_affinities
        on indexed_neighbours.neighbour_index = neighbour_affinities.user_index
    group by indexed_neighbours.user_index, neighbour_affinities.item_index
),

scored as (
    {{ shortlist_by_index('scored_indexes', customers, items, interactions, n) }}
),

final as (
    {{ rank_recommendations('scored', 'user_cf', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
