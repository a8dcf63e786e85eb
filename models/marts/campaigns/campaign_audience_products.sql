-- The products in each treated recipient's message, in display order, with the price after a
-- percent coupon (what the message can show as the offer price).
with audiences as (
    select campaign_id, user_id, offer_type, offer_value
    from {{ ref('campaign_audiences') }}
    where experiment_group = 'treatment'
),

products as (
    select * from {{ ref('int_campaign_products') }}
),

final as (
    select
        audiences.campaign_id,
        audiences.user_id,
        products.product_position,
        products.item_id,
        products.item_name,
        products.category_top,
        products.price,
        case
            when audiences.offer_type = 'percent'
                then round(products.price * (1 - cast(audiences.offer_value as {{ type_double() }}) / 100), 2)
        end as offer_price
    from audiences
    inner join products
        on audiences.campaign_id = products.campaign_id
        and audiences.user_id = products.user_id
)

select * from final
