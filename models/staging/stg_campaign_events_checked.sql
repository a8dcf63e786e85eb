-- Every raw campaign event with its parsed fields and the first rule it breaks (seed
-- rejection_reasons, source 'campaign_events'). stg_campaign_events and
-- stg_campaign_events_quarantine split this table, so raw = accepted + quarantined (+ erased).
{{ config(materialized='table') }}

with events as (
    select * from {{ ref('base_campaign_events') }}
),

campaigns as (
    select campaign_id from {{ ref('campaigns') }}
),

customers as (
    select user_id from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ clean_id('event_id') }} as event_id,
        {{ clean_id('events.campaign_id') }} as campaign_id,
        {{ clean_id('user_id') }} as user_id,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ parse_timestamp_utc(clean_text('event_at'), 'date_order.day_first') }} as event_at,
        {{ clean_id('order_id') }} as order_id,
        {{ parse_number(clean_text('order_value'), 'number_format.decimal_comma') }} as order_value,
        {{ is_blank_row([
            'events.event_id', 'events.campaign_id', 'events.user_id', 'events.event_type',
            'events.event_at', 'events.order_id', 'events.order_value', 'events.extra_fields'
        ]) }} as is_blank_row,
        events.event_type as raw_event_type,
        events.event_at as raw_event_at,
        events.order_value as raw_order_value,
        events.extra_fields,
        events.swallowed_lines
    from events
    cross join {{ date_order(ref('base_campaign_events'), 'event_at') }} as date_order
    cross join {{ decimal_separator(ref('base_campaign_events'), ['order_value']) }} as number_format
),

row_rules_checked as (
    select
        parsed.*,
        case
            when parsed.is_blank_row then 'blank_row'
            when {{ is_repeated_header('campaign_events', [
                'parsed.raw_event_type', 'parsed.event_id', 'parsed.campaign_id', 'parsed.user_id',
                'parsed.raw_event_at'
            ]) }} then 'repeated_header'
            when parsed.swallowed_lines is not null then 'unclosed_quote'
            when parsed.extra_fields is not null then 'extra_fields'
            when parsed.event_id is null then 'missing_event_id'
            when parsed.user_id is null then 'missing_user_id'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when customers.user_id is null then 'unknown_customer'
            when parsed.event_type is null
                or parsed.event_type not in (
                    'sent', 'delivered', 'opened', 'clicked', 'converted', 'unsubscribed',
                    'held_out'
                )
                then 'unknown_event_type'
            when parsed.event_at is null then 'unparseable_timestamp'
            when parsed.event_at > cast({{ dbt.dateadd(
                'hour', number_var('retail_recs__future_tolerance_hours'), dbt.current_timestamp()
            ) }} as {{ dbt.type_timestamp() }}) then 'future_timestamp'
            when {{ clean_text('parsed.raw_order_value') }} is not null
                and not coalesce(parsed.order_value >= 0, false)
                then 'invalid_order_value'
        end as row_rejection_reason
    from parsed
    left join campaigns
        on parsed.campaign_id = campaigns.campaign_id
    left join customers
        on parsed.user_id = customers.user_id
),

{{ duplicate_rule_ctes('row_rules_checked', [
    'event_at', 'campaign_id', 'user_id', 'event_type', 'order_id', 'order_value',
    'raw_event_type', 'raw_event_at', 'raw_order_value', 'extra_fields'
]) }},

final as (
    select
        event_id,
        campaign_id,
        user_id,
        event_type,
        event_at,
        order_id,
        order_value,
        case when rejection_reason is not null then raw_event_type end as raw_event_type,
        case when rejection_reason is not null then raw_event_at end as raw_event_at,
        case when rejection_reason is not null then raw_order_value end as raw_order_value,
        rejection_reason
    from classified
)

select * from final
