-- Built by macro aggregate_interactions (macros/pipeline/aggregate_interactions.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
--
-- Incremental: a run first deletes the pairs with a staged event re-checked since its last run
-- (their totals may be gone) and the pairs of erased customers, then inserts the pairs that
-- int_interaction_totals rewrote since. The post-hooks (macros/pipeline/realign_interactions.sql)
-- bring the other rows up to date: the dense indexes, which a new customer or item shifts, and
-- the affinity, which the new as-of time moves.
-- depends_on: {{ ref('stg_events_checked') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key=['user_id', 'item_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook=["{{ delete_erased_customers() }}", "{{ delete_rechecked_keys({'user_id': 'user_id', 'item_id': 'item_id'}) }}"],
    post_hook=[
        "{{ delete_unmatched_interactions(ref('dim_customers'), ref('dim_items')) }}",
        "{{ realign_dense_index('user_id', 'user_index', ref('dim_customers')) }}",
        "{{ realign_dense_index('item_id', 'item_index', ref('dim_items')) }}",
        "{{ redecay_affinities(as_of_timestamp()) }}"
    ]
) }}

{%- set totals -%}
    {%- if is_incremental() -%}
    (
        select * from {{ ref('int_interaction_totals') }}
        where refreshed_at > (
            select coalesce(max(refreshed_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }}
        )
    ) as rewritten_totals
    {%- else -%}
    {{ ref('int_interaction_totals') }}
    {%- endif -%}
{%- endset %}

with interactions as (
    {{ aggregate_interactions(
        totals=totals,
        items=ref('dim_items'),
        customers=ref('dim_customers'),
        as_of=as_of_timestamp()
    ) }}
)

select *, {{ run_started_at_timestamp() }} as refreshed_at from interactions
