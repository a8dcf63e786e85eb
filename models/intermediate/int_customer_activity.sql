-- Built by macro summarize_customer_activity (macros/pipeline/summarize_customer_activity.sql,
-- which documents the logic); dim_customers joins it to the CRM profiles.
--
-- Incremental: a run recomputes the customers with a staged event re-checked since its last
-- run (macro rechecked_event_keys) from their pairs in int_interaction_totals, which are
-- current by then, and their purchases. A customer left without accepted events comes back
-- with event_count 0 and is deleted by the post-hook; erased customers by the pre-hook.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook=["{{ delete_erased_customers() }}", "{{ hash_the_keys_side(true) }}"],
    post_hook=["{{ hash_the_keys_side(false) }}", "{{ delete_tombstones() }}"]
) }}

{%- set of_rechecked_customers -%}
    {%- if is_incremental() %}
        and user_id in ({{ rechecked_event_keys({'user_id': 'user_id'}) }})
    {%- endif %}
{%- endset %}
{%- set totals -%}
    (select * from {{ ref('int_interaction_totals') }} where true {{ of_rechecked_customers }}) as customer_totals
{%- endset %}
{%- set purchases -%}
    (select * from {{ ref('stg_events') }} where event_type = 'purchase' {{ of_rechecked_customers }})
{%- endset %}

with activity as (
    {{ summarize_customer_activity(totals=totals, purchases=weigh_staged_events(purchases)) }}
),

final as (
    {{ stamped_aggregates(
        'activity',
        {'user_id': 'user_id'},
        ['order_count', 'item_count', 'net_revenue', 'first_event_at', 'last_event_at', 'last_purchase_at']
    ) }}
)

select * from final
