{#- How often each customer re-buys each item: orders, first and last order, and the mean gap
    between orders ((last - first) / (orders - 1)), the basis of buy-again and of which items
    count as repeatable. Reads the per-pair sums of total_interactions.
    Called by model int_purchase_intervals and by its evaluation replay. -#}
{% macro summarize_purchase_intervals(totals) %}
with totals as (
    select * from {{ totals }}
    where ordered_count > 0
),

final as (
    select
        user_id,
        item_id,
        ordered_count as order_count,
        case
            when ordered_count > 1
                then {{ days_between('first_ordered_at', 'last_ordered_at') }} / (ordered_count - 1)
        end as mean_interval_days,
        first_ordered_at,
        last_ordered_at
    from totals
)

select * from final
{% endmacro %}
