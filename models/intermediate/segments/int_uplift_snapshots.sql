-- What was known about each customer when each past experiment started: int_customer_snapshots'
-- features (the same macro and recent-activity window), at the last whole day before the
-- campaign's start, or at the as-of time for a campaign that starts after it. An experiment
-- is a campaign whose held-out (control) members campaign_events records, so uplift can be
-- learnt from it. The snapshot is named by the campaign_id.
{%- set horizon = number_var('retail_recs__propensity_horizon_days') | int %}
{%- set experiments_query %}
    select
        campaigns.campaign_id as snapshot,
        greatest(0, cast(ceil({{ days_between(
            'cast(campaigns.starts_on as ' ~ dbt.type_timestamp() ~ ')', 'as_of.as_of_at'
        ) }}) as {{ dbt.type_int() }})) as cutoff_days_before_as_of,
        cast({{ horizon }} as {{ dbt.type_int() }}) as horizon_days
    from {{ ref('campaigns') }} as campaigns
    cross join as_of
    where campaigns.campaign_id in (
        select campaign_id from {{ ref('stg_campaign_events') }} where event_type = 'held_out'
    )
{%- endset %}
{{ snapshot_customers(
    ref('int_customer_daily_activity'),
    ref('stg_customers'),
    experiments_query
) }}
