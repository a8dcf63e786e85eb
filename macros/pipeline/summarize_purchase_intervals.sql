{#- How often each customer re-buys each item: orders, first and last order, and the mean gap
    between orders ((last - first) / (orders - 1)), the basis of buy-again and of which items
    count as repeatable.
    Called by model int_purchase_intervals and by its evaluation replay. -#}
{% macro summarize_purchase_intervals(events) %}
with purchases as (
    select user_id, item_id, order_id, event_at
    from {{ events }}
    where event_type = 'purchase' and user_id is not null
),

orders as (
    select user_id, item_id, order_id, min(event_at) as ordered_at
    from purchases
    group by user_id, item_id, order_id
),

final as (
    select
        user_id,
        item_id,
        count(*) as order_count,
        case
            when count(*) > 1
                then {{ days_between('min(ordered_at)', 'max(ordered_at)') }} / (count(*) - 1)
        end as mean_interval_days,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from orders
    group by user_id, item_id
)

select * from final
{% endmacro %}
