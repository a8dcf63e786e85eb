{#- Best sellers for cold starts and for analysts, in three lists: 'global' (distinct
    purchasers), 'country' (distinct purchasers among the country's customers) and 'trending'
    (purchases decayed with half-life var retail_recs__trending_half_life_days, so recent
    sales count most). Only active items are listed.
    Called by model popular_items and by its evaluation replay. -#}
{% macro rank_popular_items(events, customers, items, n) %}
{%- set list_length = 3 * n %}

with purchases as (
    select
        events.user_id,
        events.item_id,
        customers.country,
        {{ time_decay('events.age_days', number_var('retail_recs__trending_half_life_days')) }}
            as trending_weight
    from {{ events }} as events
    left join {{ customers }} as customers
        on events.user_id = customers.user_id
    where events.event_type = 'purchase'
),

active_items as (
    select item_id from {{ items }} where is_active
),

scores as (
    select 'global' as scope, 'all' as country, item_id,
        cast(count(distinct user_id) as {{ type_double() }}) as score
    from purchases
    group by item_id
    union all
    select 'country', country, item_id, cast(count(distinct user_id) as {{ type_double() }})
    from purchases
    where country is not null
    group by country, item_id
    union all
    select 'trending', 'all', item_id, sum(trending_weight)
    from purchases
    group by item_id
),

ranked as (
    select
        scores.scope,
        scores.country,
        scores.item_id,
        scores.score,
        cast(row_number() over (
            partition by scores.scope, scores.country order by scores.score desc, scores.item_id
        ) as {{ dbt.type_bigint() }}) as rank
    from scores
    inner join active_items
        on scores.item_id = active_items.item_id
),

country_purchasers as (
    select country, count(distinct user_id) as purchaser_count
    from purchases
    where country is not null
    group by country
),

final as (
    select ranked.*
    from ranked
    left join country_purchasers
        on ranked.country = country_purchasers.country
    where ranked.rank <= {{ list_length }}
        and (
            ranked.scope <> 'country'
            or country_purchasers.purchaser_count
                >= {{ number_var('retail_recs__popularity_min_country_purchasers') }}
        )
)

select * from final
{% endmacro %}
