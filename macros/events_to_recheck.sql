{#- The CTEs of an incremental run of stg_events_checked, ending with source_rows: the source
    rows that can have changed class since the last run (the model's header comment lists
    them), to be checked again and replace their stored versions. Reads the model's CTEs
    bot_users and items; raw_row_hash is the hash expression of a bare source row, and
    source_column_list the source's columns. -#}
{% macro events_to_recheck(raw_row_hash, source_column_list) %}
{#- The cutoff is read before the query is rendered, so that it is a constant the source scan
    filters on as it reads (with a subquery DuckDB decodes every column of every row). Newly
    erased customers' rows, deleted only by the post-hook, may move it by a little: any cutoff
    gives the rows of a full refresh, as long as the new rows come after it. -#}
{%- set cutoff_query -%}
    select cast(coalesce(
        {{ dbt.dateadd('day', -1 * number_var('retail_recs__incremental_lookback_days') | int, 'max(event_at)') }},
        cast('1900-01-01' as {{ dbt.type_timestamp() }})
    ) as {{ dbt.type_string() }})
    from {{ this }}
    where rejection_reason is null
{%- endset -%}
{%- set cutoff_text = run_query(cutoff_query).columns[0].values()[0] if execute else '1900-01-01' -%}
{%- set cutoff_at = "cast('" ~ cutoff_text ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
stored_bot_users as (
    select distinct user_id from {{ this }} where rejection_reason = 'bot_user'
),

changed_bot_users as (
    select user_id from bot_users
    where user_id not in (select user_id from stored_bot_users)
    union
    select user_id from stored_bot_users
    where user_id not in (select user_id from bot_users)
),

-- The catalogue changes between runs: items with a row rejected as unknown_item that now
-- exist, or with a row that passed the item rule that are gone. Usually none, and then DuckDB
-- skips the scan for their ids.
changed_items as (
    select item_id from {{ this }}
    where rejection_reason = 'unknown_item'
    intersect
    select item_id from items
    union
    (
        select item_id from {{ this }}
        where coalesce(rejection_reason, 'accepted') in ('accepted', 'bot_user', 'exact_duplicate', 'repeated_event_id')
        except
        select item_id from items
    )
),

-- One pass over the source for the rows that can be new: from the cutoff on, or undated.
-- Parsing every source timestamp with its offset is the costly part, so a plain cast (which
-- ignores offsets, off by less than a day) picks them with a day to spare and only those are
-- parsed. recent_event_at is the parsed time, as in parsed below.
recent_rows as (
    select
        *,
        {{ clean_id('event_id') }} as recent_event_id,
        {{ parse_timestamp_utc(clean_text('event_at'), 'date_order.day_first') }} as recent_event_at,
        {{ raw_row_hash }} as recent_row_hash
    from {{ ref('base_events') }}
    cross join {{ date_order(ref('base_events'), 'event_at') }} as date_order
    where coalesce(
        {{ dbt.safe_cast('event_at', api.Column.translate_type('timestamp')) }}
            >= {{ dbt.dateadd('day', -1, cutoff_at) }},
        true
    )
),

-- Ids whose every row is re-checked, so that both duplicate rules see all versions of the id:
-- those with a row from the cutoff on (new and late events), of a user whose bot status
-- changed, or of an item that joined or left the catalogue. An undated row is re-checked
-- alone: it is rejected whatever its id's other rows are, and only its identical copies
-- (undated too) can change its class.
recheck_event_ids as (
    select recent_event_id as event_id from recent_rows
    where recent_event_at >= {{ cutoff_at }}
    union
    select event_id from {{ this }}
    where event_id is not null and user_id in (select user_id from changed_bot_users)
    union
    select event_id from {{ this }}
    where event_id is not null and item_id in (select item_id from changed_items)
    union
    -- Stamped by the pre-hook: an erased customer's rows and those sharing an id or a basket.
    select event_id from {{ this }}
    where event_id is not null and refreshed_at = {{ run_started_at_timestamp() }}
),

-- Re-checked ids with a stored row that the recent pass did not read (compared by raw row
-- hash, copies counted): only these are looked up in the whole source again. Usually there
-- are none, and DuckDB then skips that scan.
earlier_event_ids as (
    select distinct stored.event_id
    from (
        select event_id, {{ dbt.split_part('row_key', "'-'", 1) }} as raw_row_hash, count(*) as row_count
        from {{ this }}
        where event_id in (select event_id from recheck_event_ids)
        group by event_id, {{ dbt.split_part('row_key', "'-'", 1) }}
    ) as stored
    left join (
        select recent_event_id as event_id, recent_row_hash as raw_row_hash, count(*) as row_count
        from recent_rows
        where recent_event_id in (select event_id from recheck_event_ids)
        group by recent_event_id, recent_row_hash
    ) as recent
        on stored.event_id = recent.event_id
        and stored.raw_row_hash = recent.raw_row_hash
    where stored.row_count > coalesce(recent.row_count, 0)
),

-- The rows to re-check: recent ones of a re-checked id, undated, or without an id from the
-- cutoff on (judged alone, missing_event_id); and every row of the earlier ids.
source_rows as (
    select {{ source_column_list }}
    from recent_rows
    where coalesce(recent_event_id, '') not in (select event_id from earlier_event_ids)
        and (
            recent_event_id in (select event_id from recheck_event_ids)
            or recent_event_at is null
            or recent_event_at >= {{ cutoff_at }}
        )
    union all
    select {{ source_column_list }}
    from {{ ref('base_events') }}
    where {{ clean_id('event_id') }} in (select event_id from earlier_event_ids)
),
{%- endmacro %}
