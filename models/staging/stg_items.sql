-- Accepted catalogue rows: the rows of stg_items_checked that broke no rule.
with checked as (
    select * from {{ ref('stg_items_checked') }}
),

final as (
    select
        item_id,
        name,
        category,
        brand,
        description,
        price,
        is_active
    from checked
    where rejection_reason is null
)

select * from final
