-- Rejected events with their raw values and the first rule they broke.
with checked as (
    select * from {{ ref('stg_events_checked') }}
),

final as (
    select
        rejection_reason,
        event_id,
        user_id,
        item_id,
        session_id,
        order_id,
        channel,
        raw_event_type,
        raw_event_at,
        raw_quantity,
        raw_unit_price
    from checked
    where rejection_reason is not null
)

select * from final
