-- Built by macro collect_basket_items (macros/pipeline/collect_basket_items.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
--
-- Incremental: a run recomputes the baskets with a staged event re-checked since its last run
-- (macro rechecked_event_keys) from all of their accepted events. Basket items left without
-- events come back with event_count 0 and are deleted by the post-hook; erased customers'
-- rows by the pre-hook.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key=['basket_id', 'item_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_erased_customers() }}",
    post_hook="{{ delete_tombstones() }}"
) }}

{%- set basket_keys = {'basket_id': basket_id('order_id', 'session_id'), 'item_id': 'item_id'} %}

{%- set rechecked_baskets -%}
    ({{ rechecked_event_keys({'order_id': 'order_id', 'session_id': 'session_id'}) }})
{%- endset %}
{%- set staged_events -%}
    (
        select * from {{ ref('stg_events') }}
        {%- if is_incremental() %}
        -- The basket is the order, else the session: match on those columns as they are
        -- (cheaper than building the basket id of every staged event).
        where order_id in (
                select order_id from {{ rechecked_baskets }} as rechecked where order_id is not null
            )
            or (
                order_id is null
                and session_id in (
                    select session_id from {{ rechecked_baskets }} as rechecked
                    where order_id is null
                )
            )
        {%- endif %}
    )
{%- endset %}
{%- set events = weigh_staged_events(staged_events) %}

with basket_items as (
    {{ collect_basket_items(events) }}
),

final as (
    {{ stamped_aggregates(
        'basket_items',
        basket_keys,
        [
            'basket_type', 'user_id', 'quantity_purchased', 'is_purchased', 'basket_at'
        ]
    ) }}
)

select * from final
