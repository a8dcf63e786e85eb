{#- Activity of each customer: event counts, items, money and first/last times summed from the
    customer's rows of total_interactions, and distinct orders from their purchase events
    (an order spans items, so it cannot be summed from pairs).
    Called by model int_customer_activity and, inlined, by the evaluation replay of dim_customers. -#}
{% macro summarize_customer_activity(totals, purchases) %}
with totals as (
    select * from {{ totals }}
),

purchases as (
    select * from {{ purchases }}
    where user_id is not null and event_type = 'purchase'
),

orders as (
    select user_id, count(distinct order_id) as order_count
    from purchases
    group by user_id
),

pairs as (
    select
        user_id,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        count(*) as item_count,
        sum(net_revenue) as net_revenue,
        min(first_interaction_at) as first_event_at,
        max(last_interaction_at) as last_event_at,
        max(last_purchase_at) as last_purchase_at
    from totals
    group by user_id
),

final as (
    select
        pairs.user_id,
        pairs.event_count,
        coalesce(orders.order_count, 0) as order_count,
        pairs.item_count,
        pairs.net_revenue,
        pairs.first_event_at,
        pairs.last_event_at,
        pairs.last_purchase_at
    from pairs
    left join orders
        on pairs.user_id = orders.user_id
)

select * from final
{% endmacro %}
