-- Raw items as text, one column per contract field; parsing happens in stg_items_checked.
with source as (
    select * from {{ source_relation('items') }} as source_rows
),

renamed as (
    select
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        cast(name as {{ dbt.type_string() }}) as name,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(brand as {{ dbt.type_string() }}) as brand,
        cast(price as {{ dbt.type_string() }}) as price,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(is_active as {{ dbt.type_string() }}) as is_active,
        cast(extra_fields as {{ dbt.type_string() }}) as extra_fields,
        cast(swallowed_lines as {{ dbt.type_bigint() }}) as swallowed_lines
    from source
)

select * from renamed
