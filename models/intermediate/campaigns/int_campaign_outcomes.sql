-- What happened to each member of a campaign's experiment, treated or held out: the message
-- funnel (treatment only; control gets no message) and conversions with their revenue inside
-- the attribution window, from campaign_events. Members with no event count as zeros, so the
-- comparison is by assignment (intent to treat), not by who opened.
with audiences as (
    select campaign_id, user_id, experiment_group, rfm_segment
    from {{ ref('campaign_audiences') }}
    where is_eligible
),

campaigns as (
    select campaign_id, starts_on, ends_on from {{ ref('campaigns') }}
),

campaign_events as (
    select * from {{ ref('stg_campaign_events') }}
),

windowed as (
    select
        campaign_events.*,
        {{ in_attribution_window(
            'campaign_events.event_at', 'campaigns.starts_on', 'campaigns.ends_on'
        ) }} as is_in_window
    from campaign_events
    inner join campaigns
        on campaign_events.campaign_id = campaigns.campaign_id
),

per_member as (
    select
        campaign_id,
        user_id,
        max(case when event_type = 'sent' then 1 else 0 end) as was_sent,
        max(case when event_type = 'delivered' then 1 else 0 end) as was_delivered,
        max(case when event_type = 'opened' then 1 else 0 end) as has_opened,
        max(case when event_type = 'clicked' then 1 else 0 end) as has_clicked,
        max(case when event_type = 'unsubscribed' then 1 else 0 end) as has_unsubscribed,
        max(case when event_type = 'converted' and is_in_window then 1 else 0 end)
            as has_converted,
        sum(case when event_type = 'converted' and is_in_window then order_value else 0 end)
            as revenue
    from windowed
    group by campaign_id, user_id
),

final as (
    select
        audiences.campaign_id,
        audiences.user_id,
        audiences.experiment_group,
        audiences.rfm_segment,
        coalesce(per_member.was_sent, 0) as was_sent,
        coalesce(per_member.was_delivered, 0) as was_delivered,
        coalesce(per_member.has_opened, 0) as has_opened,
        coalesce(per_member.has_clicked, 0) as has_clicked,
        coalesce(per_member.has_unsubscribed, 0) as has_unsubscribed,
        coalesce(per_member.has_converted, 0) as has_converted,
        coalesce(per_member.revenue, 0) as revenue
    from audiences
    left join per_member
        on audiences.campaign_id = per_member.campaign_id
        and audiences.user_id = per_member.user_id
)

select * from final
