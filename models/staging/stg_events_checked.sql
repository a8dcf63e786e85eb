-- Every raw event with its parsed fields and the first rule it breaks (see seed
-- rejection_reasons for the rules in precedence order). stg_events and
-- stg_events_quarantine split this table, so raw = accepted + quarantined by construction.
--
-- Incremental: a run re-checks only the source rows that can have changed class since the
-- last one, and replaces them by row_key (a hash of the raw row and its copy number, so a
-- batch sent twice lands on the same keys): rows from var retail_recs__incremental_lookback_days
-- before the latest accepted event on (new and late events, and future-dated ones that may
-- have become valid), rows without a timestamp, every row of a user whose bot status changed,
-- every row whose item joined or left the catalogue, and every row sharing an event_id with
-- those (so both duplicate rules see all versions of an id). refreshed_at stamps the rows a run
-- wrote, which tells the downstream incremental models what to recompute. A row arriving
-- later than the lookback is not re-checked: assert_sources_reconcile then fails the build,
-- and `dbt build --full-refresh` takes it in (as does a change to the seeds of the rules).
-- depends_on: {{ ref('base_erasure_requests') }}
{{ config(
    materialized='incremental',
    unique_key='row_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_erased_customers() }}"
) }}

{%- set raw_columns = [] -%}
{%- for column in ['event_id', 'user_id', 'item_id', 'event_type', 'event_at', 'session_id',
                   'order_id', 'quantity', 'unit_price', 'channel'] -%}
    {%- do raw_columns.append("coalesce(raw_" ~ column ~ ", '<null>')") -%}
    {%- if not loop.last %}{% do raw_columns.append("'|'") %}{% endif -%}
{%- endfor %}

with event_type_synonyms as (
    select * from {{ ref('event_type_synonyms') }}
),

non_product_items as (
    select upper(item_code) as item_code from {{ ref('non_product_items') }}
),

items as (
    select item_id from {{ ref('stg_items') }}
),

-- A user-level rule, judged on every event as received (whatever else is wrong with it):
-- many views and not one purchase. It needs only the user and the type, so it reads the raw
-- rows without parsing the rest, and counts raw spellings before mapping them.
raw_type_counts as (
    select
        {{ clean_text('user_id') }} as user_id,
        lower(trim(event_type)) as raw_event_type,
        count(*) as event_count
    from {{ ref('base_events') }}
    group by {{ clean_text('user_id') }}, lower(trim(event_type))
),

bot_users as (
    select raw_type_counts.user_id
    from raw_type_counts
    left join event_type_synonyms
        on raw_type_counts.raw_event_type = event_type_synonyms.raw_event_type
    group by raw_type_counts.user_id
    having
        sum(case when event_type_synonyms.event_type = 'view' then raw_type_counts.event_count else 0 end)
            >= {{ var('retail_recs__bot_min_views') }}
        and sum(case when event_type_synonyms.event_type = 'purchase' then raw_type_counts.event_count else 0 end) = 0
),

{% if is_incremental() %}
cutoff as (
    select coalesce(
        {{ dbt.dateadd('day', -1 * var('retail_recs__incremental_lookback_days') | int, 'max(event_at)') }},
        cast('1900-01-01' as {{ dbt.type_timestamp() }})
    ) as cutoff_at
    from {{ this }}
    where rejection_reason is null
),

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

-- The catalogue changes between runs: ids with a row rejected as unknown_item whose item now
-- exists, or a row that passed the item rule whose item is gone.
changed_item_event_ids as (
    select distinct event_id
    from {{ this }}
    where event_id is not null
        and (
            (rejection_reason = 'unknown_item' and item_id in (select item_id from items))
            or (
                coalesce(rejection_reason, 'accepted')
                    in ('accepted', 'bot_user', 'exact_duplicate', 'repeated_event_id')
                and item_id not in (select item_id from items)
            )
        )
),

-- Ids whose rows may change class: recent, undated or of a user whose bot status changed.
-- All rows of an id come along, so both duplicate rules see every version. Parsing every
-- source timestamp with its offset is the costly part, so a plain cast (which ignores
-- offsets, off by less than a day) first narrows the rows to parse.
window_candidates as (
    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        event_at as raw_event_at
    from {{ ref('base_events') }}
    cross join cutoff
    where {{ clean_text('event_id') }} is not null
        and (
            coalesce(
                {{ dbt.safe_cast('event_at', api.Column.translate_type('timestamp')) }}
                    >= {{ dbt.dateadd('day', -1, 'cutoff.cutoff_at') }},
                true
            )
            or {{ clean_text('user_id') }} in (select user_id from changed_bot_users)
        )
),

recheck_event_ids as (
    select distinct window_candidates.event_id
    from window_candidates
    cross join cutoff
    where coalesce(
            {{ parse_timestamp_utc(clean_text('window_candidates.raw_event_at')) }} >= cutoff.cutoff_at,
            true
        )
        or window_candidates.user_id in (select user_id from changed_bot_users)
    union
    select event_id from changed_item_event_ids
),

-- Rows without an id are judged alone (missing_event_id), so they are kept to the window
-- after parsing (see selected); '' stands for them here, in one semi-join.
source_rows as (
    select *
    from {{ ref('base_events') }}
    where coalesce({{ clean_text('event_id') }}, '') in (
        select event_id from recheck_event_ids
        union all
        select ''
    )
),
{% else %}
source_rows as (
    select * from {{ ref('base_events') }}
),
{% endif %}

parsed_all as (
    select
        source_rows.event_id as raw_event_id,
        source_rows.user_id as raw_user_id,
        source_rows.item_id as raw_item_id,
        source_rows.session_id as raw_session_id,
        source_rows.order_id as raw_order_id,
        source_rows.channel as raw_channel,
        {{ clean_text('source_rows.event_id') }} as event_id,
        {{ clean_text('source_rows.user_id') }} as user_id,
        {{ clean_text('source_rows.item_id') }} as item_id,
        event_type_synonyms.event_type,
        {{ parse_timestamp_utc(clean_text('source_rows.event_at')) }} as event_at,
        {{ clean_text('source_rows.session_id') }} as session_id,
        {{ clean_text('source_rows.order_id') }} as order_id,
        {{ dbt.safe_cast(clean_text('source_rows.quantity'), api.Column.translate_type('integer')) }} as quantity,
        {{ dbt.safe_cast(clean_text('source_rows.unit_price'), type_double()) }} as unit_price,
        lower({{ clean_text('source_rows.channel') }}) as channel,
        source_rows.event_type as raw_event_type,
        source_rows.event_at as raw_event_at,
        source_rows.quantity as raw_quantity,
        source_rows.unit_price as raw_unit_price
    from source_rows
    left join event_type_synonyms
        on lower(trim(source_rows.event_type)) = event_type_synonyms.raw_event_type
),

selected as (
    select parsed_all.*
    from parsed_all
    {%- if is_incremental() %}
    cross join cutoff
    where parsed_all.event_id is not null
        or parsed_all.event_at is null
        or parsed_all.event_at >= cutoff.cutoff_at
        or parsed_all.user_id in (select user_id from changed_bot_users)
    {%- endif %}
),

parsed as (
    select
        {{ dbt.hash(dbt.concat(raw_columns)) }} as raw_row_hash,
        *
    from selected
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
    'unit_price', 'channel', 'raw_event_type', 'raw_event_at', 'raw_quantity', 'raw_unit_price',
    'raw_row_hash'
]) }},

-- Raw text is kept for rejected rows only: it is what the quarantine shows, and accepted
-- rows carry the parsed values.
final as (
    select
        -- Copies of one raw row are numbered in the order the duplicate rule keeps them, so
        -- the kept copy always has number 1, whichever batch or run wrote it.
        raw_row_hash || '-' || cast(
            row_number() over (partition by raw_row_hash order by version_row_number)
            as {{ dbt.type_string() }}
        ) as row_key,
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
        event_at,
        {{ run_started_at_timestamp() }} as refreshed_at
    from classified
)

select * from final
