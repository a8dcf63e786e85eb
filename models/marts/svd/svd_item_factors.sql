-- Item factors of the truncated SVD, with ids: score(u, i) = Σ_f user_f · item_f.
with factors as (
    select factor_index as item_index, factors
    from {{ ref('int_svd_factors') }}
    where side = 'item'
),

items as (
    select item_id, item_index from {{ ref('dim_items') }}
),

final as (
    select
        items.item_id,
        factors.item_index,
        factors.factors
    from factors
    inner join items
        on factors.item_index = items.item_index
)

select * from final
