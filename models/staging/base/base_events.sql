-- Raw events as text, one column per contract field: parsing happens in stg_events_checked,
-- so whatever types the source uses, a malformed value becomes a rejection, not a failed build.
-- Rows of erased customers (erasure_requests) are dropped here, before anything reads them.
with source as (
    select * from {{ source_relation('events') }} as source_rows
    where not {{ is_erased('source_rows.user_id') }}
),

renamed as (
    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        {{ timestamp_text('event_at') }} as event_at,
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(quantity as {{ dbt.type_string() }}) as quantity,
        cast(unit_price as {{ dbt.type_string() }}) as unit_price,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(extra_fields as {{ dbt.type_string() }}) as extra_fields,
        cast(swallowed_lines as {{ dbt.type_bigint() }}) as swallowed_lines
    from source
)

select * from renamed
