{#- Everything the customer-item matrix and the purchase intervals need, summed per customer
    and item in a form that does not age: the time decay 0.5^((as_of - t) / half_life) is
    split into 2^((t - anchor) / half_life), summed here as decay_weight_sum, times
    0.5^((as_of - anchor) / half_life), applied at read time (aggregate_interactions). So the
    sums stay valid when the as-of time moves, and an incremental run only recomputes the
    pairs whose events changed. decay_anchor is a timestamp expression (the stored anchor in
    incremental runs); none takes the first of January of the latest event's year. Events
    before the anchor weigh 2^(negative), which only underflows to 0 for events more than
    ~1000 half-lives old, whose decayed weight is 0 anyway; events after it overflow only
    ~1000 half-lives later (test on decay_weight_sum: a full refresh re-anchors).
    Called by model int_interaction_totals and by its evaluation replay. -#}
{% macro total_interactions(events, decay_anchor=none) %}
with anchor as (
    {%- if decay_anchor is not none %}
    select {{ decay_anchor }} as decay_anchor_at
    {%- else %}
    select {{ dbt.date_trunc('year', 'max(events.event_at)') }} as decay_anchor_at
    from {{ events }} as events
    where events.user_id is not null
    {%- endif %}
),

-- Orders of the pair, each at its first purchase (purchases without an order id are one
-- order here). Purchases are a small share of the events, so they are read on their own and
-- the aggregation over all events below needs no distinct count.
orders as (
    select purchases.user_id, purchases.item_id, purchases.order_id, min(purchases.event_at) as ordered_at
    from {{ events }} as purchases
    where purchases.user_id is not null and purchases.event_type = 'purchase'
    group by purchases.user_id, purchases.item_id, purchases.order_id
),

order_summary as (
    select
        user_id,
        item_id,
        count(order_id) as order_count,
        count(*) as ordered_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from orders
    group by user_id, item_id
),

aggregated as (
    select
        events.user_id,
        events.item_id,
        count(*) as event_count,
        cast(sum(case when events.event_type = 'view' then 1 else 0 end) as {{ dbt.type_bigint() }}) as view_count,
        cast(sum(case when events.event_type = 'add_to_cart' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as add_to_cart_count,
        cast(sum(case when events.event_type = 'purchase' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as purchase_count,
        cast(sum(case when events.event_type = 'return' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as return_count,
        cast(sum(case when events.event_type = 'purchase' then events.quantity else 0 end) as {{ dbt.type_bigint() }})
            as quantity_purchased,
        cast(sum(case when events.event_type = 'return' then events.quantity else 0 end) as {{ dbt.type_bigint() }})
            as quantity_returned,
        sum(events.line_amount) as net_revenue,
        sum(
            events.event_weight * power(
                2.0,
                {{ days_between('anchor.decay_anchor_at', 'events.event_at') }}
                    / cast({{ number_var('retail_recs__affinity_half_life_days') }} as {{ type_double() }})
            )
        ) as decay_weight_sum,
        min(anchor.decay_anchor_at) as decay_anchor_at,
        min(events.event_at) as first_interaction_at,
        max(events.event_at) as last_interaction_at,
        max(case when events.event_type = 'purchase' then events.event_at end)
            as last_purchase_at
    from {{ events }} as events
    cross join anchor
    where events.user_id is not null
    group by events.user_id, events.item_id
),

final as (
    select
        aggregated.user_id,
        aggregated.item_id,
        aggregated.event_count,
        aggregated.view_count,
        aggregated.add_to_cart_count,
        aggregated.purchase_count,
        aggregated.return_count,
        -- Distinct order ids among the purchases.
        coalesce(order_summary.order_count, 0) as order_count,
        aggregated.quantity_purchased,
        aggregated.quantity_returned,
        aggregated.net_revenue,
        aggregated.decay_weight_sum,
        aggregated.decay_anchor_at,
        coalesce(order_summary.ordered_count, 0) as ordered_count,
        order_summary.first_ordered_at,
        order_summary.last_ordered_at,
        aggregated.first_interaction_at,
        aggregated.last_interaction_at,
        aggregated.last_purchase_at
    from aggregated
    left join order_summary
        on aggregated.user_id = order_summary.user_id
        and aggregated.item_id = order_summary.item_id
)

select * from final
{% endmacro %}
