-- The customer profile a marketer segments on, as of the as-of time: RFM inputs, tenure,
-- order cadence and the expected next order, returns, the browse-to-buy funnel, preferred
-- channel and favourite category. Customers known only from their CRM profile have zero
-- counts and NULL dates.
with customers as (
    select * from {{ ref('dim_customers') }}
),

snapshot as (
    select * from {{ ref('int_customer_snapshots') }}
    where snapshot = 'scoring'
),

channel_events as (
    select user_id, channel, count(*) as event_count
    from {{ ref('int_events_weighted') }}
    where user_id is not null and channel is not null
    group by user_id, channel
),

preferred_channel as (
    select
        user_id,
        channel,
        cast(row_number() over (
            partition by user_id order by event_count desc, channel
        ) as {{ dbt.type_bigint() }}) as channel_rank
    from channel_events
),

category_spend as (
    select * from {{ ref('customer_category_spend') }}
    where spend_rank = 1
),

final as (
    select
        customers.user_id,
        customers.has_profile,
        customers.country,
        snapshot.cutoff_at as as_of_at,
        snapshot.first_event_at,
        snapshot.last_event_at,
        snapshot.first_order_at,
        snapshot.last_order_at,
        snapshot.recency_days,
        coalesce(snapshot.order_count, 0) as order_count,
        coalesce(snapshot.monetary_value, 0) as monetary_value,
        snapshot.average_order_value,
        snapshot.tenure_days,
        coalesce(snapshot.units_purchased, 0) as units_purchased,
        coalesce(snapshot.return_lines, 0) as return_lines,
        snapshot.return_rate,
        snapshot.mean_days_between_orders,
        -- Next order expected one mean gap after the last; unknown before a second order.
        {{ dbt.dateadd(
            'second',
            'cast(round(snapshot.mean_days_between_orders * 86400) as ' ~ dbt.type_bigint() ~ ')',
            'snapshot.last_order_at') }} as expected_next_order_at,
        coalesce(snapshot.view_count, 0) as view_count,
        coalesce(snapshot.add_to_cart_count, 0) as add_to_cart_count,
        coalesce(snapshot.session_count, 0) as session_count,
        snapshot.views_per_order,
        case
            when snapshot.add_to_cart_count > 0
                then cast(snapshot.order_count as {{ type_double() }}) / snapshot.add_to_cart_count
        end as orders_per_add_to_cart,
        preferred_channel.channel as preferred_channel,
        category_spend.category_top as top_category,
        category_spend.spend_share as top_category_spend_share
    from customers
    left join snapshot
        on customers.user_id = snapshot.user_id
    left join preferred_channel
        on customers.user_id = preferred_channel.user_id
        and preferred_channel.channel_rank = 1
    left join category_spend
        on customers.user_id = category_spend.user_id
)

select * from final
