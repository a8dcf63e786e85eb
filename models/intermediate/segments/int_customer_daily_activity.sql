-- Each customer's activity per day, counted back from the as-of time (day 0 is the 24 hours
-- ending at it). Snapshots at earlier cutoffs (propensity training, validation) and the
-- label windows after them are sums over ranges of these days, so the 20M-event table is
-- read once for every segment model.
with events as (
    select * from {{ ref('int_events_weighted') }}
    where user_id is not null
),

bucketed as (
    select
        user_id,
        cast(floor(age_days) as {{ dbt.type_int() }}) as days_before_as_of,
        event_type,
        -- An order without an order id is its session (or, lacking that, its single line).
        case
            when event_type = 'purchase' then coalesce(order_id, session_id, event_id)
        end as order_key,
        session_id,
        quantity,
        line_amount,
        event_at
    from events
),

final as (
    select
        user_id,
        days_before_as_of,
        count(distinct order_key) as order_count,
        sum(case when event_type = 'purchase' then 1 else 0 end) as purchase_lines,
        sum(case when event_type = 'purchase' then quantity else 0 end) as units_purchased,
        sum(case when event_type = 'purchase' then line_amount else 0 end) as purchase_amount,
        sum(case when event_type = 'return' then 1 else 0 end) as return_lines,
        -- Returns carry negative line amounts; stored here as a positive refund.
        -sum(case when event_type = 'return' then line_amount else 0 end) as return_amount,
        sum(case when event_type = 'view' then 1 else 0 end) as view_count,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_count,
        count(distinct session_id) as session_count,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        min(case when event_type = 'purchase' then event_at end) as first_order_at,
        max(case when event_type = 'purchase' then event_at end) as last_order_at
    from bucketed
    group by user_id, days_before_as_of
)

select * from final
