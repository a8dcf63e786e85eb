-- Accepted campaign events: the rows of stg_campaign_events_checked that broke no rule.
with checked as (
    select * from {{ ref('stg_campaign_events_checked') }}
),

final as (
    select
        event_id,
        campaign_id,
        user_id,
        event_type,
        event_at,
        order_id,
        order_value
    from checked
    where rejection_reason is null
)

select * from final
