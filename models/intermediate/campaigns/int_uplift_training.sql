-- The members of past experiments, as the email/SMS tool recorded them: a sent event puts a
-- customer in the treatment group, a held_out event in the control group (both: the record
-- contradicts itself, and the uplift model leaves the member out and counts them). Each
-- member's conversion in the attribution window (as int_campaign_outcomes counts it), the
-- campaign's offer, and the customer's features at its start. It reads campaign_events, not
-- campaign_audiences, so that campaigns can be targeted by the uplift learnt here.
with campaigns as (
    select campaign_id, channel, offer_type, offer_value, starts_on, ends_on
    from {{ ref('campaigns') }}
),

campaign_events as (
    select * from {{ ref('stg_campaign_events') }}
),

snapshots as (
    select * from {{ ref('int_uplift_snapshots') }}
),

experiments as (
    select distinct campaign_id from campaign_events where event_type = 'held_out'
),

per_member as (
    select
        campaign_events.campaign_id,
        campaign_events.user_id,
        max(case when campaign_events.event_type = 'sent' then 1 else 0 end) as was_sent,
        max(case when campaign_events.event_type = 'held_out' then 1 else 0 end) as was_held_out,
        max(case
            when campaign_events.event_type = 'converted' and {{ in_attribution_window(
                'campaign_events.event_at', 'campaigns.starts_on', 'campaigns.ends_on'
            ) }} then 1 else 0
        end) as has_converted
    from campaign_events
    inner join experiments
        on campaign_events.campaign_id = experiments.campaign_id
    inner join campaigns
        on campaign_events.campaign_id = campaigns.campaign_id
    group by campaign_events.campaign_id, campaign_events.user_id
),

final as (
    select
        per_member.campaign_id,
        per_member.user_id,
        case
            when per_member.was_sent = 1 and per_member.was_held_out = 1 then 'contradictory'
            when per_member.was_sent = 1 then 'treatment'
            else 'control'
        end as experiment_group,
        per_member.has_converted = 1 as has_converted,
        campaigns.channel,
        campaigns.offer_type,
        campaigns.offer_value,
        campaigns.starts_on,
        snapshots.cutoff_at
        {%- for feature in var('retail_recs__propensity_features') %},
        snapshots.{{ feature }}
        {%- endfor %}
    from per_member
    inner join campaigns
        on per_member.campaign_id = campaigns.campaign_id
    left join snapshots
        on per_member.campaign_id = snapshots.snapshot
        and per_member.user_id = snapshots.user_id
    where per_member.was_sent = 1 or per_member.was_held_out = 1
)

select * from final
