{#- The user-item matrix every recommender starts from. affinity = Σ weight(event_type) ×
    0.5^(age_days / half_life): recent strong signals count most, returns count against.
    Called by model fct_interactions and by its evaluation replay. -#}
{% macro aggregate_interactions(events, items, customers) %}
with events as (
    select * from {{ events }}
    where user_id is not null
),

items as (
    select item_id, item_index from {{ items }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

aggregated as (
    select
        events.user_id,
        events.item_id,
        sum(case when events.event_type = 'view' then 1 else 0 end) as view_count,
        sum(case when events.event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_count,
        sum(case when events.event_type = 'purchase' then 1 else 0 end) as purchase_count,
        sum(case when events.event_type = 'return' then 1 else 0 end) as return_count,
        count(distinct case when events.event_type = 'purchase' then events.order_id end)
            as order_count,
        sum(case when events.event_type = 'purchase' then events.quantity else 0 end)
            as quantity_purchased,
        sum(case when events.event_type = 'return' then events.quantity else 0 end)
            as quantity_returned,
        -- Parallel sums differ in the last bits from build to build; rounding keeps a rebuild
        -- identical, and with it everything computed from these numbers (SVD factors, ranks).
        round(sum(events.line_amount), 2) as net_revenue,
        round(sum(events.event_weight * events.decay), 10) as affinity,
        min(events.event_at) as first_interaction_at,
        max(events.event_at) as last_interaction_at,
        max(case when events.event_type = 'purchase' then events.event_at end)
            as last_purchase_at
    from events
    group by events.user_id, events.item_id
),

final as (
    select
        aggregated.user_id,
        aggregated.item_id,
        customers.user_index,
        items.item_index,
        aggregated.view_count,
        aggregated.add_to_cart_count,
        aggregated.purchase_count,
        aggregated.return_count,
        aggregated.order_count,
        aggregated.quantity_purchased,
        aggregated.quantity_returned,
        aggregated.net_revenue,
        aggregated.affinity,
        aggregated.purchase_count > 0 as has_purchased,
        aggregated.first_interaction_at,
        aggregated.last_interaction_at,
        aggregated.last_purchase_at
    from aggregated
    inner join customers
        on aggregated.user_id = customers.user_id
    inner join items
        on aggregated.item_id = items.item_id
)

select * from final
{% endmacro %}
