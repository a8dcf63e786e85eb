{#- Everything the customer-item matrix and the purchase intervals need, summed per customer
    and item in a form that does not age: the time decay 0.5^((as_of - t) / half_life) is
    split into 2^((t - anchor) / half_life), summed here as decay_weight_sum, times
    0.5^((as_of - anchor) / half_life), applied at read time (aggregate_interactions). So the
    sums stay valid when the as-of time moves, and an incremental run only recomputes the
    pairs whose events changed. decay_anchor is a timestamp expression (a stored anchor in
    incremental runs, used when not NULL); otherwise the first of January of the earliest event's year, which keeps
    2^((t - anchor) / half_life) far from overflow for any span under ~1000 half-lives.
    Called by model int_interaction_totals and by its evaluation replay. -#}
{% macro total_interactions(events, decay_anchor=none) %}
with events as (
    select * from {{ events }}
    where user_id is not null
),

anchor as (
    select
        {%- if decay_anchor is not none %}
        coalesce({{ decay_anchor }}, {{ dbt.date_trunc('year', 'min(event_at)') }})
        {%- else %}
        {{ dbt.date_trunc('year', 'min(event_at)') }}
        {%- endif %} as decay_anchor_at
    from events
),

-- First per order (events without an order form one group per pair): an order's first
-- purchase time is what the purchase intervals measure from.
by_order as (
    select
        events.user_id,
        events.item_id,
        events.order_id,
        count(*) as event_count,
        sum(case when events.event_type = 'view' then 1 else 0 end) as view_count,
        sum(case when events.event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_count,
        sum(case when events.event_type = 'purchase' then 1 else 0 end) as purchase_count,
        sum(case when events.event_type = 'return' then 1 else 0 end) as return_count,
        sum(case when events.event_type = 'purchase' then events.quantity else 0 end)
            as quantity_purchased,
        sum(case when events.event_type = 'return' then events.quantity else 0 end)
            as quantity_returned,
        sum(events.line_amount) as net_revenue,
        sum(
            events.event_weight * power(
                2.0,
                {{ days_between('anchor.decay_anchor_at', 'events.event_at') }}
                    / cast({{ var('retail_recs__affinity_half_life_days') }} as {{ type_double() }})
            )
        ) as decay_weight_sum,
        min(anchor.decay_anchor_at) as decay_anchor_at,
        min(events.event_at) as first_interaction_at,
        max(events.event_at) as last_interaction_at,
        min(case when events.event_type = 'purchase' then events.event_at end) as ordered_at,
        max(case when events.event_type = 'purchase' then events.event_at end)
            as last_purchase_at
    from events
    cross join anchor
    group by events.user_id, events.item_id, events.order_id
),

final as (
    select
        user_id,
        item_id,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(view_count) as {{ dbt.type_bigint() }}) as view_count,
        cast(sum(add_to_cart_count) as {{ dbt.type_bigint() }}) as add_to_cart_count,
        cast(sum(purchase_count) as {{ dbt.type_bigint() }}) as purchase_count,
        cast(sum(return_count) as {{ dbt.type_bigint() }}) as return_count,
        -- Distinct order ids among the purchases (the group without an order id is not one).
        count(case when purchase_count > 0 and order_id is not null then 1 end) as order_count,
        cast(sum(quantity_purchased) as {{ dbt.type_bigint() }}) as quantity_purchased,
        cast(sum(quantity_returned) as {{ dbt.type_bigint() }}) as quantity_returned,
        sum(net_revenue) as net_revenue,
        sum(decay_weight_sum) as decay_weight_sum,
        min(decay_anchor_at) as decay_anchor_at,
        -- Orders for the intervals: purchases without an order id count as one order.
        count(case when purchase_count > 0 then 1 end) as ordered_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        min(first_interaction_at) as first_interaction_at,
        max(last_interaction_at) as last_interaction_at,
        max(last_purchase_at) as last_purchase_at
    from by_order
    group by user_id, item_id
)

select * from final
{% endmacro %}
