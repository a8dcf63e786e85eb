-- Raw campaign events as text, without erased customers' rows: parsing happens in
-- stg_campaign_events_checked, so a malformed value is quarantined, not a failed build.
with source as (
    select * from {{ source_relation('campaign_events') }} as source_rows
    where not {{ is_erased('source_rows.user_id') }}
),

renamed as (
    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        {{ timestamp_text('event_at') }} as event_at,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(order_value as {{ dbt.type_string() }}) as order_value,
        cast(extra_fields as {{ dbt.type_string() }}) as extra_fields,
        cast(swallowed_lines as {{ dbt.type_bigint() }}) as swallowed_lines
    from source
)

select * from renamed
