-- Who gets which campaign: every candidate of int_campaign_candidates with the decision of
-- int_campaign_allocation (the greedy between campaigns that compete for a customer, under
-- the campaigns' caps and budgets), a coupon code for the treated and the products of their
-- message. Each row's exclusion is the customer's own reason first, then the allocation's.
--
-- Frozen at the send (macros/frozen_audiences.sql): the rows of a campaign with a send in
-- stg_campaign_events are kept as they were. The allocation places everyone else around the
-- members of the campaign_events sends and holdouts.
-- depends_on: {{ ref('stg_campaign_events') }}, {{ ref('base_erasure_requests') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key='campaign_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    full_refresh=false,
    pre_hook=["{{ delete_erased_customers() }}", "{{ delete_removed_campaigns() }}"]
) }}
{%- set frozen = frozen_campaign_ids() %}

with campaigns as (
    select * from {{ ref('campaigns') }}
),

candidates as (
    select * from {{ ref('int_campaign_candidates') }}
),

allocation as (
    select * from {{ ref('int_campaign_allocation') }}
),

products as (
    select * from {{ ref('int_campaign_products') }}
),

classified as (
    select
        candidates.*,
        allocation.experiment_group as allocated_group,
        allocation.excluded_by_campaign_id,
        coalesce(candidates.base_exclusion_reason, allocation.allocation_reason)
            as exclusion_reason
    from candidates
    left join allocation
        on candidates.campaign_id = allocation.campaign_id
        and candidates.user_id = allocation.user_id
),

-- The message's products, for treated recipients only (control customers get no message).
message_products as (
    select
        campaign_id,
        user_id,
        count(*) as product_count,
        {{ dbt.listagg('item_id', "'|'", 'order by product_position') }} as product_item_ids,
        {{ dbt.listagg('item_name', "' | '", 'order by product_position') }} as product_names
    from products
    group by campaign_id, user_id
),

final as (
    select
        classified.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        classified.user_id,
        classified.rfm_segment,
        classified.cluster_id,
        classified.purchase_probability,
        classified.exclusion_reason is null as is_eligible,
        classified.exclusion_reason,
        classified.treatment_bucket,
        case when classified.exclusion_reason is null then classified.allocated_group end
            as experiment_group,
        case
            when classified.exclusion_reason is null and classified.allocated_group = 'treatment'
                then {{ coupon_code(
                    'campaigns.coupon_prefix', 'classified.campaign_id', 'classified.user_id'
                ) }}
        end as coupon_code,
        campaigns.offer_type,
        campaigns.offer_value,
        campaigns.starts_on,
        campaigns.ends_on,
        case
            when classified.exclusion_reason is null and classified.allocated_group = 'treatment'
                then message_products.product_count
            else 0
        end as product_count,
        case
            when classified.exclusion_reason is null and classified.allocated_group = 'treatment'
                then message_products.product_item_ids
        end as product_item_ids,
        case
            when classified.exclusion_reason is null and classified.allocated_group = 'treatment'
                then message_products.product_names
        end as product_names,
        classified.excluded_by_campaign_id
    from classified
    inner join campaigns
        on classified.campaign_id = campaigns.campaign_id
    left join message_products
        on classified.campaign_id = message_products.campaign_id
        and classified.user_id = message_products.user_id
    where {{ not_frozen('classified.campaign_id', frozen) }}
)

select * from final
