-- Rejected campaign events with their raw values and the first rule they broke.
with checked as (
    select * from {{ ref('stg_campaign_events_checked') }}
),

final as (
    select
        rejection_reason,
        event_id,
        campaign_id,
        user_id,
        order_id,
        raw_event_type,
        raw_event_at,
        raw_order_value
    from checked
    where rejection_reason is not null
)

select * from final
