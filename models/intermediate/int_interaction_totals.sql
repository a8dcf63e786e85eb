-- Built by macro total_interactions (macros/pipeline/total_interactions.sql, which documents
-- the logic); the evaluation replay calls it too, on the training period.
--
-- Incremental: a run recomputes the customer-item pairs with a staged event re-checked since
-- its last run (macro rechecked_event_keys) from all of their accepted events, keeping the
-- stored decay anchor. Pairs left without accepted events come back with event_count 0 and
-- are deleted by the post-hook; erased customers by the pre-hook.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key=['user_id', 'item_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook=["{{ delete_erased_customers() }}", "{{ hash_the_keys_side(true) }}"],
    post_hook=["{{ hash_the_keys_side(false) }}", "{{ delete_tombstones() }}"]
) }}

{%- set staged_events -%}
    (
        select * from {{ ref('stg_events') }}
        {%- if is_incremental() %}
        where (user_id, item_id) in ({{ rechecked_event_keys({'user_id': 'user_id', 'item_id': 'item_id'}) }})
        {%- endif %}
    )
{%- endset %}
{#- Incremental runs keep the stored anchor (or, if every pair was deleted, start from the
    year of the latest staged event). -#}
{%- set decay_anchor -%}
    coalesce(
        (select min(decay_anchor_at) from {{ this }}),
        (select {{ dbt.date_trunc('year', 'max(event_at)') }} from {{ ref('stg_events') }})
    )
{%- endset %}

-- total_interactions reads its events twice (purchases for the orders, then all). A full build
-- scans the source twice rather than hold every event; an incremental run weighs its few
-- events once, in a CTE that DuckDB computes once for both reads.
with
{%- if is_incremental() %}
rechecked_events as {{ weigh_staged_events(staged_events) }},

totals as (
    {{ total_interactions('rechecked_events', decay_anchor) }}
),
{%- else %}
totals as (
    {{ total_interactions(weigh_staged_events(staged_events)) }}
),
{%- endif %}

final as (
    {{ stamped_aggregates(
        'totals',
        {'user_id': 'user_id', 'item_id': 'item_id'},
        [
            'view_count', 'add_to_cart_count', 'purchase_count', 'return_count', 'order_count',
            'quantity_purchased', 'quantity_returned', 'net_revenue', 'decay_weight_sum',
            'decay_anchor_at', 'ordered_count', 'first_ordered_at', 'last_ordered_at',
            'first_interaction_at', 'last_interaction_at', 'last_purchase_at'
        ]
    ) }}
)

select * from final
