-- Every campaign not yet sent holds exactly its candidates (int_campaign_candidates): nothing
-- dropped or multiplied by the cross-campaign rules. A sent campaign is frozen at the send
-- and may differ from today's candidates by design.
with sent as (
    select distinct campaign_id
    from {{ ref('stg_campaign_events') }}
    where event_type = 'sent'
),

audience_rows as (
    select campaign_id, count(*) as audience_rows
    from {{ ref('campaign_audiences') }}
    where campaign_id not in (select campaign_id from sent)
    group by campaign_id
),

candidate_rows as (
    select campaign_id, count(*) as candidate_rows
    from {{ ref('int_campaign_candidates') }}
    where campaign_id not in (select campaign_id from sent)
    group by campaign_id
)

select
    coalesce(audience_rows.campaign_id, candidate_rows.campaign_id) as campaign_id,
    audience_rows.audience_rows,
    candidate_rows.candidate_rows
from audience_rows
full outer join candidate_rows
    on audience_rows.campaign_id = candidate_rows.campaign_id
where coalesce(audience_rows.audience_rows, 0) <> coalesce(candidate_rows.candidate_rows, 0)
