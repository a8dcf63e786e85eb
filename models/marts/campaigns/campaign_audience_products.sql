-- The products in each treated recipient's message, in display order, with the price after a
-- percent coupon (what the message can show as the offer price). Frozen with the audience:
-- a sent campaign's rows are kept as they were (macros/frozen_audiences.sql).
-- depends_on: {{ ref('stg_campaign_events') }}, {{ ref('base_erasure_requests') }}, {{ ref('campaigns') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key='campaign_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    full_refresh=false,
    pre_hook=["{{ delete_erased_customers() }}", "{{ delete_removed_campaigns() }}"]
) }}
{%- set frozen = frozen_campaign_ids() %}
with audiences as (
    select campaign_id, user_id, offer_type, offer_value
    from {{ ref('campaign_audiences') }}
    where experiment_group = 'treatment'
        and {{ not_frozen('campaign_id', frozen) }}
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
