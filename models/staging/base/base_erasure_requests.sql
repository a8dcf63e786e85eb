-- Erasure requests with cleaned ids: the list every other base model filters out.
{#- A request inside a value that an unclosed quote filled with the lines after it would not
    be honoured, so such a file stops the build (macro swallowed_lines). -#}
{{ stop_on_unclosed_quotes('erasure_requests', 'the erasure requests on those lines would not be honoured') }}
with source as (
    select * from {{ source_relation('erasure_requests') }} as source_rows
),

final as (
    select
        {{ clean_id('cast(user_id as ' ~ dbt.type_string() ~ ')') }} as user_id,
        {{ parse_timestamp_utc(timestamp_text('requested_at'), 'date_order.day_first') }} as requested_at
    from source
    cross join {{ date_order(source_relation('erasure_requests'), 'requested_at') }} as date_order
)

select * from final
