-- Accepted events: the rows of stg_events_checked that broke no rule.
with checked as (
    select * from {{ ref('stg_events_checked') }}
),

final as (
    select
        event_id,
        user_id,
        item_id,
        session_id,
        order_id,
        event_type,
        channel,
        quantity,
        unit_price,
        user_id is null as is_guest,
        event_at
    from checked
    where rejection_reason is null
)

select * from final
