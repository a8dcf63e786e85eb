{#- Incremental refresh of the event models. stg_events_checked stamps every row it (re)writes
    with refreshed_at, the start of that dbt run; each downstream incremental model stamps its
    rows the same way, so "what changed since my last refresh" is the staged rows stamped
    later than the newest row of the model. -#}

{#- The start of this dbt invocation as a timestamp: the refreshed_at of the rows a run writes. -#}
{% macro run_started_at_timestamp() %}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The distinct keys (name -> expression over stg_events_checked columns) of the staged event
    rows re-checked since the newest row of this model. Rows of every class count: a row that
    became rejected (a bot, a duplicate) must take its key's aggregate down with it. -#}
{% macro rechecked_event_keys(key_expressions) %}
    select distinct
        {%- for name, expression in key_expressions.items() %}
        {{ expression }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_events_checked') }}
    where refreshed_at > (
        select coalesce(max(refreshed_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ this }}
    )
{%- endmacro %}

{#- Pre-hook of an incremental model keyed by customer: drop the rows of customers who asked
    for erasure since the last run (a full build never reads them). -#}
{% macro delete_erased_customers() %}
    {%- if is_incremental() -%}
        delete from {{ this }} where user_id in (select user_id from {{ ref('base_erasure_requests') }})
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of stg_events_checked. An erasure can change other customers' rows: the later
    version of an event id shared with the erased customer becomes the kept one, and a basket
    they shared loses items. So it stamps the erased customers' rows and every row sharing an
    event id or a basket with them: the run re-checks those ids, the downstream models
    recompute those keys, and the post-hook delete_stamped_erased_customers removes the erased
    rows. A count finds the usual case of nothing to erase first (one scan; the update's joins
    would read every row), and the hook is then empty. -#}
{% macro stamp_erased_customers_and_their_neighbours() %}
    {%- if is_incremental() and execute -%}
        {%- set erased_rows -%}
            select event_id, order_id, session_id from {{ this }}
            where user_id in (select user_id from {{ ref('base_erasure_requests') }})
        {%- endset -%}
        {%- set erased_row_count = run_query(
            'select count(*) from (' ~ erased_rows ~ ') as erased_rows'
        ).columns[0].values()[0] -%}
        {%- if erased_row_count > 0 -%}
        update {{ this }}
        set refreshed_at = {{ run_started_at_timestamp() }}
        where user_id in (select user_id from {{ ref('base_erasure_requests') }})
            or event_id in (select event_id from ({{ erased_rows }}) as erased_rows)
            or order_id in (select order_id from ({{ erased_rows }}) as erased_rows)
            or (
                order_id is null
                and session_id in (
                    select session_id from ({{ erased_rows }}) as erased_rows where order_id is null
                )
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of stg_events_checked: delete the erased customers' rows, which the pre-hook
    stamped (the stamp lets DuckDB skip every older row group). -#}
{% macro delete_stamped_erased_customers() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where refreshed_at = {{ run_started_at_timestamp() }}
            and user_id in (select user_id from {{ ref('base_erasure_requests') }})
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental model built from an aggregate (not from the events): drop the
    rows of the keys re-checked since its last run. Those the aggregate still has are inserted
    again; the others were deleted there as tombstones. -#}
{% macro delete_rechecked_keys(key_expressions) %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where ({{ key_expressions.keys() | join(', ') }}) in ({{ rechecked_event_keys(key_expressions) }})
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of an incremental aggregate: a key whose events were all rejected or erased since
    the last run comes back with event_count 0 (its tombstone); remove it. -#}
{% macro delete_tombstones() %}
    {%- if is_incremental() -%}
        delete from {{ this }} where refreshed_at = {{ run_started_at_timestamp() }} and event_count = 0
    {%- endif -%}
{%- endmacro %}

{#- The final select of an incremental aggregate over the CTE `aggregates` (keyed by the names
    of key_expressions, with event_count and the other `columns`), stamped with this run. An
    incremental run returns one row per re-checked key: its new aggregate, or a tombstone
    (event_count 0) when nothing is left of it, which delete_tombstones removes. -#}
{% macro stamped_aggregates(aggregates, key_expressions, columns) %}
    {%- if is_incremental() %}
    select
        {%- for key in key_expressions %}
        rechecked.{{ key }},
        {%- endfor %}
        coalesce({{ aggregates }}.event_count, 0) as event_count,
        {%- for column in columns %}
        {{ aggregates }}.{{ column }},
        {%- endfor %}
        {{ run_started_at_timestamp() }} as refreshed_at
    from ({{ rechecked_event_keys(key_expressions) }}) as rechecked
    left join {{ aggregates }}
        on {% for key in key_expressions -%}
        rechecked.{{ key }} = {{ aggregates }}.{{ key }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    where {% for key in key_expressions -%}
        rechecked.{{ key }} is not null{{ ' and ' if not loop.last }}
        {%- endfor %}
    {%- else %}
    select *, {{ run_started_at_timestamp() }} as refreshed_at from {{ aggregates }}
    {%- endif %}
{%- endmacro %}

{#- Pre- and post-hook of an incremental aggregate that looks its re-checked keys up among all
    staged events. DuckDB's build-side optimizer trusts an estimate that puts more rows in the
    keys than in the 10M filtered events and then hashes the events instead of the keys (2 s
    instead of 0.3 s). This turns it off for the model's statement; the setting is global in
    DuckDB, so the post-hook turns it back on. Other adapters plan joins their own way. -#}
{% macro hash_the_keys_side(enable) %}
    {%- if is_incremental() -%}
        {{ return(adapter.dispatch('hash_the_keys_side', 'retail_recs')(enable)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__hash_the_keys_side(enable) %}{% endmacro %}

{% macro duckdb__hash_the_keys_side(enable) %}
    {%- if enable -%}
        set disabled_optimizers = 'build_side_probe_side'
    {%- else -%}
        reset disabled_optimizers
    {%- endif -%}
{%- endmacro %}

{#- The materialization of the incremental models whose runs delete and update rows in place
    (the event models, with the hooks above, and the frozen campaign audiences), which plain
    Parquet tables on Spark cannot do (that needs Delta or Iceberg), so there they are rebuilt
    in full each run (README, "Running on Spark"). -#}
{% macro in_place_incremental_materialization() %}
    {{ return(adapter.dispatch('in_place_incremental_materialization', 'retail_recs')()) }}
{% endmacro %}

{% macro default__in_place_incremental_materialization() %}{{ return('incremental') }}{% endmacro %}

{% macro spark__in_place_incremental_materialization() %}{{ return('table') }}{% endmacro %}
