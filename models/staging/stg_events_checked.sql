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
-- those (so both duplicate rules see all versions of an id; an undated row, rejected whatever
-- else its id has, is judged alone), and the rows of newly erased customers and those sharing
-- an id or a basket with them (see the hooks). Macro events_to_recheck picks those rows.
-- refreshed_at stamps the rows a run wrote, which tells the downstream incremental models
-- what to recompute. A row arriving later than the lookback is not re-checked:
-- assert_sources_reconcile then fails the build, and `dbt build --full-refresh` takes it in
-- (as does a change to the seeds of the rules).
-- depends_on: {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key='row_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ stamp_erased_customers_and_their_neighbours() }}",
    post_hook="{{ delete_stamped_erased_customers() }}"
) }}

{#- A fractional quantity is a data error in a shop that sells whole units, and a measure (0.75 kg,
    2.5 m) in one that sells by weight or length: var retail_recs__fractional_quantities. -#}
{%- set fractional_quantities = var('retail_recs__fractional_quantities') -%}
{%- if fractional_quantities not in ['quarantine', 'one_unit'] -%}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__fractional_quantities must be quarantine or one_unit, got "
        ~ fractional_quantities
    ) }}
{%- endif -%}
{%- set measured_as_one_unit = fractional_quantities == 'one_unit' -%}
{#- Order lines read as purchases (var retail_recs__default_event_type) carry their returns as
    credit lines of negative quantity (an invoice's cancellation): those are returns. -#}
{%- set negative_purchases_are_returns = var('retail_recs__default_event_type') == 'purchase' -%}
{#- The hash of a raw row (macro row_text_hash), over the bare source columns and over those of
    the CTE source_rows. -#}
{%- set source_columns = ['event_id', 'user_id', 'item_id', 'event_type', 'event_at', 'session_id',
                          'order_id', 'quantity', 'unit_price', 'channel'] -%}
{%- set source_column_list = (source_columns + ['extra_fields', 'swallowed_lines']) | join(', ') -%}
{%- set raw_row_hash = row_text_hash(source_columns) -%}
{%- set source_rows_hash = row_text_hash(source_columns, 'source_rows.') %}

with event_type_synonyms as (
    select * from {{ ref('event_type_synonyms') }}
),

non_product_items as (
    select upper(item_code) as item_code from {{ ref('non_product_items') }}
),

items as (
    select item_id{% if measured_as_one_unit %}, price{% endif %} from {{ ref('stg_items') }}
),

-- A user-level rule, judged on every event as received (whatever else is wrong with it):
-- many views and not one purchase. It needs only the user and the type, so it reads the raw
-- rows without parsing the rest, and counts raw spellings before mapping them.
raw_type_counts as (
    select
        {{ clean_id('user_id') }} as user_id,
        lower(trim(event_type)) as raw_event_type,
        count(*) as event_count
    from {{ ref('base_events') }}
    group by {{ clean_id('user_id') }}, lower(trim(event_type))
),

bot_users as (
    select raw_type_counts.user_id
    from raw_type_counts
    left join event_type_synonyms
        on raw_type_counts.raw_event_type = event_type_synonyms.raw_event_type
    group by raw_type_counts.user_id
    having
        sum(case when event_type_synonyms.event_type = 'view' then raw_type_counts.event_count else 0 end)
            >= {{ number_var('retail_recs__bot_min_views') }}
        and sum(case when event_type_synonyms.event_type = 'purchase' then raw_type_counts.event_count else 0 end) = 0
),

{% if is_incremental() %}
{{ events_to_recheck(raw_row_hash, source_column_list) }}
{% else %}
source_rows as (
    select * from {{ ref('base_events') }}
),
{% endif %}

parsed as (
    select
        {{ source_rows_hash }} as raw_row_hash,
        source_rows.event_id as raw_event_id,
        source_rows.user_id as raw_user_id,
        source_rows.item_id as raw_item_id,
        source_rows.session_id as raw_session_id,
        source_rows.order_id as raw_order_id,
        source_rows.channel as raw_channel,
        {{ clean_id('source_rows.event_id') }} as event_id,
        {{ clean_id('source_rows.user_id') }} as user_id,
        {{ clean_id('source_rows.item_id') }} as item_id,
        {%- if negative_purchases_are_returns %}
        case
            when event_type_synonyms.event_type = 'purchase'
                and {{ parse_number(clean_text('source_rows.quantity'), 'number_format.decimal_comma') }} < 0
                then 'return'
            else event_type_synonyms.event_type
        end as event_type,
        {%- else %}
        event_type_synonyms.event_type,
        {%- endif %}
        {{ parse_timestamp_utc(clean_text('source_rows.event_at'), 'date_order.day_first') }} as event_at,
        {{ clean_id('source_rows.session_id') }} as session_id,
        {{ clean_id('source_rows.order_id') }} as order_id,
        {{ clean_text('source_rows.quantity') }} as quantity_text,
        {{ clean_text('source_rows.unit_price') }} as unit_price_text,
        {{ parse_number(clean_text('source_rows.quantity'), 'number_format.decimal_comma') }} as quantity_number,
        {{ parse_number(clean_text('source_rows.unit_price'), 'number_format.decimal_comma') }} as unit_price,
        lower({{ clean_text('source_rows.channel') }}) as channel,
        source_rows.event_type as raw_event_type,
        source_rows.event_at as raw_event_at,
        source_rows.quantity as raw_quantity,
        source_rows.unit_price as raw_unit_price,
        source_rows.extra_fields,
        source_rows.swallowed_lines
    from source_rows
    left join event_type_synonyms
        on lower(trim(source_rows.event_type)) = event_type_synonyms.raw_event_type
    -- decided from every source row, so an incremental batch reads dates as the history does
    cross join {{ date_order(ref('base_events'), 'event_at') }} as date_order
    cross join {{ decimal_separator(ref('base_events'), ['quantity', 'unit_price']) }} as number_format
),

-- Quantities are read as numbers first, so that 3.5 is rejected rather than rounded and
-- 1e9 is caught by the bound rather than accepted; only whole, bounded ones become integers.
-- With var retail_recs__fractional_quantities = one_unit, a bounded fractional quantity is
-- one unit (its sign kept), and the final CTE makes that unit's price the whole line's.
numbers_checked as (
    select
        parsed.*,
        case
            when {{ is_finite('quantity_number') }}
                and quantity_number = floor(quantity_number)
                and abs(quantity_number) <= {{ number_var('retail_recs__max_quantity') }}
                then cast(quantity_number as {{ api.Column.translate_type('integer') }})
            {%- if measured_as_one_unit %}
            when {{ is_finite('quantity_number') }}
                and abs(quantity_number) <= {{ number_var('retail_recs__max_quantity') }}
                then case when quantity_number < 0 then -1 else 1 end
            {%- endif %}
        end as quantity
        {%- if measured_as_one_unit %},
        coalesce(
            {{ is_finite('quantity_number') }}
                and quantity_number <> floor(quantity_number)
                and abs(quantity_number) <= {{ number_var('retail_recs__max_quantity') }},
            false
        ) as is_measured_quantity
        {%- endif %}
    from parsed
),

row_rules_checked as (
    select
        parsed.*,
        case
            when {{ is_blank_row([
                'parsed.raw_event_id', 'parsed.raw_user_id', 'parsed.raw_item_id', 'parsed.raw_event_type',
                'parsed.raw_event_at', 'parsed.raw_session_id', 'parsed.raw_order_id', 'parsed.raw_quantity',
                'parsed.raw_unit_price', 'parsed.raw_channel', 'parsed.extra_fields'
            ]) }} then 'blank_row'
            -- A header line's event_at is no time: that test spares the other rows the
            -- header's regular expressions (four a row took 5.9 s at 10M events).
            when parsed.event_at is null and {{ is_repeated_header('events', [
                'parsed.raw_event_at', 'parsed.raw_item_id'
            ]) }} then 'repeated_header'
            when parsed.swallowed_lines is not null then 'unclosed_quote'
            when parsed.extra_fields is not null then 'extra_fields'
            when parsed.event_id is null then 'missing_event_id'
            when parsed.user_id is null and parsed.order_id is null then 'missing_user_id'
            when parsed.item_id is null then 'missing_item_id'
            when parsed.event_type is null then 'unknown_event_type'
            when parsed.event_at is null then 'unparseable_timestamp'
            when parsed.event_at > cast({{ dbt.dateadd(
                'hour', number_var('retail_recs__future_tolerance_hours'), dbt.current_timestamp()
            ) }} as {{ dbt.type_timestamp() }}) then 'future_timestamp'
            when parsed.event_at < {{ date_var_timestamp('retail_recs__min_event_date') }}
                then 'timestamp_before_min_date'
            when parsed.quantity_text is not null and parsed.quantity_number is null
                then 'unparseable_quantity'
            when parsed.unit_price_text is not null and parsed.unit_price is null
                then 'unparseable_price'
            when not {{ is_finite('parsed.quantity_number') }}
                or not {{ is_finite('parsed.unit_price') }} then 'non_finite_number'
            {%- if not measured_as_one_unit %}
            when parsed.quantity_number <> floor(parsed.quantity_number) then 'non_integer_quantity'
            {%- endif %}
            when parsed.event_type = 'purchase' and not coalesce(parsed.quantity_number > 0, false)
                then 'non_positive_quantity'
            when parsed.event_type = 'return' and coalesce(parsed.quantity_number, 0) = 0
                then 'non_positive_quantity'
            when abs(parsed.quantity_number) > {{ number_var('retail_recs__max_quantity') }}
                then 'quantity_above_max'
            when parsed.unit_price < 0 then 'negative_price'
            when parsed.unit_price > {{ number_var('retail_recs__max_unit_price') }}
                then 'price_above_max'
            when non_product_items.item_code is not null then 'non_product_item'
            when items.item_id is null then 'unknown_item'
            when bot_users.user_id is not null then 'bot_user'
        end as row_rejection_reason
        {%- if measured_as_one_unit %},
        items.price as item_list_price
        {%- endif %}
    from numbers_checked as parsed
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
            cast(row_number() over (partition by raw_row_hash order by version_row_number) as {{ dbt.type_bigint() }})
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
        {%- if measured_as_one_unit %}
        -- A measured line's one unit costs the whole line: its price (or the list price) per
        -- measure times the measure, so that amounts stay exact.
        case
            when is_measured_quantity
                then round(coalesce(unit_price, item_list_price) * abs(quantity_number), 6)
            else unit_price
        end as unit_price,
        {%- else %}
        unit_price,
        {%- endif %}
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
