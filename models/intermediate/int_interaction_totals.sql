-- Built by macro total_interactions (macros/pipeline/total_interactions.sql, which documents
-- the logic); the evaluation replay calls it too, on the training period.
--
-- Incremental: a run recomputes the customer-item pairs with a staged event re-checked since
-- its last run (macro rechecked_event_keys) from all of their accepted events, keeping the
-- stored decay anchor. Pairs left without accepted events come back with event_count 0 and
-- are deleted by the post-hook; erased customers by the pre-hook.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized='incremental',
    unique_key=['user_id', 'item_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_erased_customers() }}",
    post_hook="{{ delete_tombstones() }}"
) }}

{%- set staged_events -%}
    (
        select * from {{ ref('stg_events') }}
        {%- if is_incremental() %}
        where (user_id, item_id) in ({{ rechecked_event_keys({'user_id': 'user_id', 'item_id': 'item_id'}) }})
        {%- endif %}
    )
{%- endset %}
{%- set events = weigh_staged_events(staged_events) %}
{%- set decay_anchor = ('(select min(decay_anchor_at) from ' ~ this ~ ')') if is_incremental() else none %}

with totals as (
    {{ total_interactions(events, decay_anchor) }}
),

{% if is_incremental() %}
rechecked as (
    {{ rechecked_event_keys({'user_id': 'user_id', 'item_id': 'item_id'}) }}
),

-- Every re-checked pair, with its new sums or as a tombstone (event_count 0).
final as (
    select
        rechecked.user_id,
        rechecked.item_id,
        coalesce(totals.event_count, 0) as event_count,
        totals.view_count,
        totals.add_to_cart_count,
        totals.purchase_count,
        totals.return_count,
        totals.order_count,
        totals.quantity_purchased,
        totals.quantity_returned,
        totals.net_revenue,
        totals.decay_weight_sum,
        totals.decay_anchor_at,
        totals.ordered_count,
        totals.first_ordered_at,
        totals.last_ordered_at,
        totals.first_interaction_at,
        totals.last_interaction_at,
        totals.last_purchase_at,
        {{ run_started_at_timestamp() }} as refreshed_at
    from rechecked
    left join totals
        on rechecked.user_id = totals.user_id
        and rechecked.item_id = totals.item_id
    where rechecked.user_id is not null
        and rechecked.item_id is not null
)
{% else %}
final as (
    select *, {{ run_started_at_timestamp() }} as refreshed_at from totals
)
{% endif %}

select * from final
