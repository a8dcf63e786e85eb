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

copies_numbered as (
    select
        *,
        row_number() over (
            partition by
                event_id, user_id, item_id, event_type, event_at,
                session_id, order_id, quantity, unit_price, channel
        ) as copy_number
    from events
),

parsed as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('item_id') }} as item_id,
        event_type_synonyms.event_type,
        {{ parse_timestamp_utc(clean_text('copies_numbered.event_at')) }} as event_at,
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('order_id') }} as order_id,
        {{ dbt.safe_cast(clean_text('quantity'), api.Column.translate_type('integer')) }} as quantity,
        {{ dbt.safe_cast(clean_text('unit_price'), api.Column.translate_type('float')) }} as unit_price,
        lower({{ clean_text('channel') }}) as channel,
        copies_numbered.event_type as raw_event_type,
        copies_numbered.event_at as raw_event_at,
        copies_numbered.quantity as raw_quantity,
        copies_numbered.unit_price as raw_unit_price,
        copies_numbered.copy_number
    from copies_numbered
    left join event_type_synonyms
        on lower(trim(copies_numbered.event_type)) = event_type_synonyms.raw_event_type
),

row_rules_checked as (
    select
        parsed.*,
        case
            when parsed.copy_number > 1 then 'exact_duplicate'
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
        end as row_rejection_reason
    from parsed
    left join non_product_items
        on upper(parsed.item_id) = non_product_items.item_code
    left join items
        on parsed.item_id = items.item_id
),

bot_users as (
    select user_id
    from row_rules_checked
    where row_rejection_reason is null and user_id is not null
    group by user_id
    having
        sum(case when event_type = 'view' then 1 else 0 end) >= {{ var('retail_recs__bot_min_views') }}
        and sum(case when event_type = 'purchase' then 1 else 0 end) = 0
),

user_rules_checked as (
    select
        row_rules_checked.*,
        coalesce(
            row_rejection_reason,
            case when bot_users.user_id is not null then 'bot_user' end
        ) as user_rejection_reason
    from row_rules_checked
    left join bot_users
        on row_rules_checked.user_id = bot_users.user_id
),

-- Among otherwise valid rows, an event_id seen twice with different content keeps the
-- earliest version; the order is total so every rebuild keeps the same one.
event_ids_numbered as (
    select
        *,
        case when user_rejection_reason is null then row_number() over (
            partition by event_id, user_rejection_reason is null
            order by
                event_at, user_id, item_id, event_type, session_id,
                order_id, quantity, unit_price, channel
        ) end as event_id_rank
    from user_rules_checked
),

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
        raw_event_type,
        raw_event_at,
        raw_quantity,
        raw_unit_price,
        coalesce(
            user_rejection_reason,
            case when event_id_rank > 1 then 'repeated_event_id' end
        ) as rejection_reason,
        event_at
    from event_ids_numbered
)

select * from final
