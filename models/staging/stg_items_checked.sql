-- Every raw catalogue row with its parsed fields and the first rule it breaks (seed
-- rejection_reasons, source 'items'). stg_items and stg_items_quarantine split this table.
{{ config(materialized='table') }}

with items as (
    select * from {{ ref('base_items') }}
),

non_product_items as (
    select upper(item_code) as item_code from {{ ref('non_product_items') }}
),

copies_numbered as (
    select
        *,
        cast(row_number() over (
            partition by item_id, name, category, brand, price, description, is_active, extra_fields
            -- the copies are identical: any order numbers them (Spark requires one)
            order by item_id
        ) as {{ dbt.type_bigint() }}) as copy_number
    from items
),

parsed as (
    select
        {{ clean_id('item_id') }} as item_id,
        {{ clean_text('name') }} as name,
        {{ clean_text('category') }} as category,
        {{ clean_text('brand') }} as brand,
        {{ parse_number(clean_text('price'), 'number_format.decimal_comma') }} as price,
        {{ clean_text('description') }} as description,
        coalesce({{ parse_boolean('is_active') }}, true) as is_active,
        price as raw_price,
        is_active as raw_is_active,
        extra_fields,
        swallowed_lines,
        {{ is_blank_row([
            'item_id', 'name', 'category', 'brand', 'price', 'description', 'is_active', 'extra_fields'
        ]) }} as is_blank_row,
        copy_number
    from copies_numbered
    cross join {{ decimal_separator(ref('base_items'), ['price']) }} as number_format
),

row_rules_checked as (
    select
        parsed.*,
        case
            when parsed.is_blank_row then 'blank_row'
            when {{ is_repeated_header('items', ['parsed.item_id']) }} then 'repeated_header'
            when parsed.copy_number > 1 then 'exact_duplicate'
            when parsed.swallowed_lines is not null then 'unclosed_quote'
            when parsed.extra_fields is not null then 'extra_fields'
            when parsed.item_id is null then 'missing_item_id'
            when {{ clean_text('parsed.raw_price') }} is not null and parsed.price is null
                then 'unparseable_price'
            when not {{ is_finite('parsed.price') }} then 'non_finite_number'
            when parsed.price < 0 then 'negative_price'
            when parsed.price > {{ number_var('retail_recs__max_unit_price') }} then 'price_above_max'
            when non_product_items.item_code is not null then 'non_product_item'
        end as row_rejection_reason
    from parsed
    left join non_product_items
        on upper(parsed.item_id) = non_product_items.item_code
),

item_ids_numbered as (
    select
        *,
        case when row_rejection_reason is null then cast(row_number() over (
            partition by item_id, row_rejection_reason is null
            order by name, category, brand, price, description, is_active
        ) as {{ dbt.type_bigint() }}) end as item_id_rank
    from row_rules_checked
),

final as (
    select
        item_id,
        name,
        category,
        brand,
        description,
        price,
        raw_price,
        raw_is_active,
        coalesce(
            row_rejection_reason,
            case when item_id_rank > 1 then 'repeated_item_id' end
        ) as rejection_reason,
        is_active
    from item_ids_numbered
)

select * from final
