{#- The neighbours of user-based collaborative filtering: customers whose affinities move
    together, by Pearson correlation of mean-centred affinities over the items both engaged
    with. Centring on each customer's own mean makes a heavy and a light buyer with the same
    preferences alike. Candidate pairs come from a self-join on the item, over only the
    var('retail_recs__user_cf_max_users_per_item') most engaged customers of each item:
    without the cap an item with n customers adds n² pairs, and a few best-sellers would make
    the join quadratic in the customer count. Dense indexes stand in for the ids in the joins
    (they sort like the ids, so ties still break by user_id).
    With for_customers (a replay, which scores only those customers), only their neighbours:
    the pairs with one of them on the left, each in its one direction, instead of every pair
    once and then both directions. The means and the per-item cap still see every customer,
    so their rows are the ones the full table would have.
    Called by model int_user_neighbours and by its replays. -#}
{% macro find_user_neighbours(interactions, customers, for_customers=none) %}
with interactions as (
    select user_index, item_index, affinity from {{ interactions }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

-- The mean is over all of the customer's items, before the cap.
centred as (
    select
        user_index,
        item_index,
        affinity - avg(affinity) over (partition by user_index) as deviation,
        cast(row_number() over (
            partition by item_index
            order by affinity desc, user_index
        ) as {{ dbt.type_bigint() }}) as item_engagement_rank
    from interactions
),

capped as (
    select user_index, item_index, deviation from centred
    where item_engagement_rank <= {{ number_var('retail_recs__user_cf_max_users_per_item') }}
),

-- Each unordered pair once (user_index < neighbour_index), both directions being added
-- below; or, for the customers of for_customers, each of their pairs from their side.
pair_sums as (
    select
        users.user_index,
        neighbours.user_index as neighbour_index,
        count(*) as common_item_count,
        sum(users.deviation * neighbours.deviation) as covariance_sum,
        sum(users.deviation * users.deviation) as user_variance_sum,
        sum(neighbours.deviation * neighbours.deviation) as neighbour_variance_sum
    from capped as users
    inner join capped as neighbours
        on users.item_index = neighbours.item_index
        {%- if for_customers is none %}
        and users.user_index < neighbours.user_index
        {%- else %}
        and users.user_index <> neighbours.user_index
    where users.user_index in (
        select user_index from customers
        where true {{- only_for_customers('user_id', for_customers) }}
    )
        {%- endif %}
    group by users.user_index, neighbours.user_index
    having count(*) >= {{ number_var('retail_recs__user_cf_min_overlap') }}
),

-- No correlation when either customer is at their mean on every common item (denominator 0).
-- Sums run in parallel, so their last bits vary between builds; rounding to 9 decimals keeps
-- equal correlations (common with few common items) equal, so rebuilds keep the same
-- neighbours. The clamp absorbs rounding too (|r| <= 1 by Cauchy-Schwarz).
correlations as (
    select
        user_index,
        neighbour_index,
        common_item_count,
        least(1.0, greatest(-1.0, round(
            covariance_sum / sqrt(user_variance_sum * neighbour_variance_sum), 9
        ))) as correlation
    from pair_sums
    where user_variance_sum > 0
        and neighbour_variance_sum > 0
),

positive_pairs as (
    select user_index, neighbour_index, common_item_count, correlation
    from correlations
    where correlation > 0
),

both_directions as (
    select user_index, neighbour_index, common_item_count, correlation
    from positive_pairs
    {%- if for_customers is none %}
    union all
    select
        neighbour_index as user_index,
        user_index as neighbour_index,
        common_item_count,
        correlation
    from positive_pairs
    {%- endif %}
),

ranked as (
    select
        user_index,
        neighbour_index,
        common_item_count,
        correlation,
        cast(row_number() over (
            partition by user_index
            order by correlation desc, common_item_count desc, neighbour_index
        ) as {{ dbt.type_bigint() }}) as neighbour_rank
    from both_directions
),

kept as (
    select * from ranked
    where neighbour_rank <= {{ number_var('retail_recs__user_cf_neighbours') }}
),

final as (
    select
        users.user_id,
        neighbours.user_id as neighbour_user_id,
        kept.correlation,
        kept.common_item_count,
        kept.neighbour_rank
    from kept
    inner join customers as users
        on kept.user_index = users.user_index
    inner join customers as neighbours
        on kept.neighbour_index = neighbours.user_index
)

select * from final
{% endmacro %}
