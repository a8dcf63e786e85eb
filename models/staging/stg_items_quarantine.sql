-- Rejected catalogue rows with their raw values and the first rule they broke.
with checked as (
    select * from {{ ref('stg_items_checked') }}
),

final as (
    select
        rejection_reason,
        item_id,
        name,
        category,
        brand,
        description,
        raw_price,
        raw_is_active
    from checked
    where rejection_reason is not null
)

select * from final
