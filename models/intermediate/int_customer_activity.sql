-- Built by macro summarize_customer_activity (macros/pipeline/summarize_customer_activity.sql);
-- the evaluation replay calls it too, on the training period.
--
-- Incremental: a run recomputes the customers with a staged event re-checked since its last
-- run (macro rechecked_event_keys) from their current pair totals and purchases. Customers left without
-- accepted events come back with event_count 0 and are deleted by the post-hook; erased
-- customers by the pre-hook.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_erased_customers() }}",
    post_hook="{{ delete_tombstones() }}"
) }}

{%- set rechecked_users -%}
    user_id in ({{ rechecked_event_keys({'user_id': 'user_id'}) }})
{%- endset %}
{%- set totals -%}
    (
        select * from {{ ref('int_interaction_totals') }}
        {%- if is_incremental() %}
        where {{ rechecked_users }}
        {%- endif %}
    )
{%- endset %}
{%- set staged_purchases -%}
    (
        select * from {{ ref('stg_events') }}
        where event_type = 'purchase'
        {%- if is_incremental() %}
            and {{ rechecked_users }}
        {%- endif %}
    )
{%- endset %}

with activity as (
    {{ summarize_customer_activity(totals, weigh_staged_events(staged_purchases)) }}
),

{% if is_incremental() %}
rechecked as (
    {{ rechecked_event_keys({'user_id': 'user_id'}) }}
),

-- Every re-checked customer, with new figures or as a tombstone (event_count 0).
final as (
    select
        rechecked.user_id,
        coalesce(activity.event_count, 0) as event_count,
        activity.order_count,
        activity.item_count,
        activity.net_revenue,
        activity.first_event_at,
        activity.last_event_at,
        activity.last_purchase_at,
        {{ run_started_at_timestamp() }} as refreshed_at
    from rechecked
    left join activity
        on rechecked.user_id = activity.user_id
    where rechecked.user_id is not null
)
{% else %}
final as (
    select *, {{ run_started_at_timestamp() }} as refreshed_at from activity
)
{% endif %}

select * from final
