{#- Activity of each customer in the events given: counts, money and first/last times.
    Called by model int_customer_activity (on the customers whose events changed, in an
    incremental run) and, inlined, by the evaluation replay of dim_customers. -#}
{% macro summarize_customer_activity(events) %}
with events as (
    select * from {{ events }}
    where user_id is not null
),

final as (
    select
        user_id,
        count(*) as event_count,
        count(distinct case when event_type = 'purchase' then order_id end) as order_count,
        count(distinct item_id) as item_count,
        sum(line_amount) as net_revenue,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        max(case when event_type = 'purchase' then event_at end) as last_purchase_at
    from events
    group by user_id
)

select * from final
{% endmacro %}
