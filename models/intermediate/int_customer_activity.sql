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

final as (
    {{ stamped_aggregates(
        'activity',
        {'user_id': 'user_id'},
        [
            'order_count', 'item_count', 'net_revenue', 'first_event_at', 'last_event_at',
            'last_purchase_at'
        ]
    ) }}
)

select * from final
