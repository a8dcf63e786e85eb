-- Every raw event with its parsed fields and the first rule it breaks (see seed
-- rejection_reasons for the rules in precedence order). stg_events and
-- stg_events_quarantine split this table, so raw = accepted + quarantined by construction.
{{ config(materialized='table') }}

with events as (
    select * from {{ ref('base_events') }}
),

event_type_synonyms as (
    select * from {{ ref('event_type_synonyms') }}
),

non_product_items as (
    select upper(item_code) as item_code from {{ ref('non_product_items') }}
),

items as (
    select item_id from {{ ref('stg_items') }}
),

-- A user-level rule, judged on the events as received: many views and not one purchase.
bot_users as (
    select {{ clean_text('received.user_id') }} as user_id
    from {{ ref('base_events') }} as received
    inner join event_type_synonyms
        on lower(trim(received.event_type)) = event_type_synonyms.raw_event_type
    group by {{ clean_text('received.user_id') }}
    having
        sum(case when event_type_synonyms.event_type = 'view' then 1 else 0 end)
            >= {{ var('retail_recs__bot_min_views') }}
        and sum(case when event_type_synonyms.event_type = 'purchase' then 1 else 0 end) = 0
),

parsed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('item_id') }} as item_id,
        event_type_synonyms.event_type,
        {{ parse_timestamp_utc(clean_text('events.event_at')) }} as event_at,
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('order_id') }} as order_id,
        {{ dbt.safe_cast(clean_text('quantity'), api.Column.translate_type('integer')) }} as quantity,
        {{ dbt.safe_cast(clean_text('unit_price'), type_double()) }} as unit_price,
        lower({{ clean_text('channel') }}) as channel,
        events.event_type as raw_event_type,
        events.event_at as raw_event_at,
        events.quantity as raw_quantity,
        events.unit_price as raw_unit_price
    from events
    left join event_type_synonyms
        on lower(trim(events.event_type)) = event_type_synonyms.raw_event_type
),

row_rules_checked as (
    select
        parsed.*,
        case
            when parsed.event_id is null then 'missing_event_id'
            when parsed.user_id is null and parsed.order_id is null then 'missing_user_id'
            when parsed.item_id is null then 'missing_item_id'
            when parsed.event_type is null then 'unknown_event_type'
            when parsed.event_at is null then 'unparseable_timestamp'
            when parsed.event_at > cast({{ dbt.dateadd(
                'hour', var('retail_recs__future_tolerance_hours'), dbt.current_timestamp()
            ) }} as {{ dbt.type_timestamp() }}) then 'future_timestamp'
            when parsed.event_type = 'purchase' and not coalesce(parsed.quantity > 0, false)
                then 'non_positive_quantity'
            when parsed.event_type = 'return' and coalesce(parsed.quantity, 0) = 0
                then 'non_positive_quantity'
            when parsed.unit_price < 0 then 'negative_price'
            when non_product_items.item_code is not null then 'non_product_item'
            when items.item_id is null then 'unknown_item'
            when bot_users.user_id is not null then 'bot_user'
        end as row_rejection_reason
    from parsed
    left join non_product_items
        on upper(parsed.item_id) = non_product_items.item_code
    left join items
        on parsed.item_id = items.item_id
    left join bot_users
        on parsed.user_id = bot_users.user_id
),

{{ duplicate_rule_ctes('row_rules_checked', [
    'event_at', 'user_id', 'item_id', 'event_type', 'session_id', 'order_id', 'quantity',
    'unit_price', 'channel', 'raw_event_type', 'raw_event_at', 'raw_quantity', 'raw_unit_price'
]) }},

-- Raw text is kept for rejected rows only: it is what the quarantine shows, and accepted
-- rows carry the parsed values.
final as (
    select
        event_id,
        user_id,
        item_id,
        event_type,
        session_id,
        order_id,
        channel,
        case
            when event_type = 'return' then abs(quantity)
            when event_type = 'purchase' then quantity
            else coalesce(abs(quantity), 1)
        end as quantity,
        unit_price,
        case when rejection_reason is not null then raw_event_type end as raw_event_type,
        case when rejection_reason is not null then raw_event_at end as raw_event_at,
        case when rejection_reason is not null then raw_quantity end as raw_quantity,
        case when rejection_reason is not null then raw_unit_price end as raw_unit_price,
        rejection_reason,
        event_at
    from classified
)

select * from final
