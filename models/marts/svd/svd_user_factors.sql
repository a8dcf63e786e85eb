-- Customer factors of the truncated SVD, with ids: score(u, i) = Σ_f user_f · item_f.
with factors as (
    select factor_index as user_index, factors
    from {{ ref('int_svd_factors') }}
    where side = 'user'
),

customers as (
    select user_id, user_index from {{ ref('dim_customers') }}
),

final as (
    select
        customers.user_id,
        factors.user_index,
        factors.factors
    from factors
    inner join customers
        on factors.user_index = customers.user_index
)

select * from final
