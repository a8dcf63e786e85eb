-- Everyone a campaign targets (segments, clusters, minimum propensity or uplift), with the
-- reasons that exclude a customer on their own (consent, contact, products, recent messages),
-- the experiment group the customer's hash falls in, and what the message is expected to be
-- worth. int_campaign_allocation decides between campaigns that compete for a customer.
with campaigns as (
    select * from {{ ref('campaigns') }}
),

customers as (
    select
        user_id,
        has_valid_email,
        has_valid_phone,
        email_opt_in,
        sms_opt_in,
        case when order_count > 0 then net_revenue / order_count end as order_value
    from {{ ref('dim_customers') }}
),

-- A customer who has not ordered is expected to spend what the shop's average order does.
shop_order_value as (
    select sum(net_revenue) / nullif(sum(order_count), 0) as order_value
    from {{ ref('dim_customers') }}
    where order_count > 0
),

rfm as (
    select user_id, rfm_segment from {{ ref('customer_rfm') }}
),

clusters as (
    select user_id, cluster_id from {{ ref('customer_clusters') }}
),

propensity as (
    select user_id, purchase_probability from {{ ref('customer_propensity') }}
),

uplift as (
    select campaign_id, user_id, predicted_uplift, treated_conversion_probability
    from {{ ref('customer_uplift') }}
),

campaign_events as (
    select * from {{ ref('stg_campaign_events') }}
),

product_counts as (
    select campaign_id, user_id, count(*) as product_count
    from {{ ref('int_campaign_products') }}
    group by campaign_id, user_id
),

-- An unsubscribe withdraws consent to its channel for every campaign starting after it.
unsubscribes as (
    select
        campaign_events.user_id,
        campaigns.channel,
        min(campaign_events.event_at) as unsubscribed_at
    from campaign_events
    inner join campaigns
        on campaign_events.campaign_id = campaigns.campaign_id
    where campaign_events.event_type = 'unsubscribed'
    group by campaign_events.user_id, campaigns.channel
),

sends as (
    select user_id, campaign_id, event_at
    from campaign_events
    where event_type = 'sent'
),

profiles as (
    select
        customers.*,
        rfm.rfm_segment,
        clusters.cluster_id,
        propensity.purchase_probability
    from customers
    left join rfm
        on customers.user_id = rfm.user_id
    left join clusters
        on customers.user_id = clusters.user_id
    left join propensity
        on customers.user_id = propensity.user_id
),

targeted as (
    select
        campaigns.campaign_id,
        campaigns.channel,
        campaigns.starts_on,
        campaigns.frequency_cap_days,
        campaigns.control_share,
        campaigns.offer_type,
        campaigns.offer_value,
        profiles.*,
        uplift.predicted_uplift,
        uplift.treated_conversion_probability,
        {{ dbt.hash(dbt.concat(['campaigns.campaign_id', "':'", 'profiles.user_id'])) }}
            as assignment_hash
    from campaigns
    cross join profiles
    left join uplift
        on campaigns.campaign_id = uplift.campaign_id
        and profiles.user_id = uplift.user_id
    where {{ in_target_list('campaigns.target_segments', 'profiles.rfm_segment') }}
        and {{ in_target_list(
            'campaigns.target_clusters',
            'cast(profiles.cluster_id as ' ~ dbt.type_string() ~ ')'
        ) }}
        and (
            campaigns.min_propensity is null
            or profiles.purchase_probability >= campaigns.min_propensity
        )
        -- Targeting by uplift needs an estimate (customer_uplift scores only campaigns whose
        -- offer type past experiments had, and nobody when they cannot teach the model).
        and (
            coalesce(campaigns.target_by, 'propensity') <> 'uplift'
            or (
                uplift.predicted_uplift is not null
                and (
                    campaigns.min_uplift is null
                    or uplift.predicted_uplift >= campaigns.min_uplift
                )
            )
        )
),

-- A message of another campaign (a sent event) fewer than frequency_cap_days calendar days
-- before this campaign starts: the same day count campaign_audiences uses between campaigns,
-- so loading the sends of a campaign never changes who a later one admits.
recently_messaged as (
    select distinct targeted.campaign_id, targeted.user_id
    from targeted
    inner join sends
        on targeted.user_id = sends.user_id
        and targeted.campaign_id <> sends.campaign_id
    where sends.event_at < cast(targeted.starts_on as {{ dbt.type_timestamp() }})
        and {{ dbt.datediff(
            'cast(sends.event_at as date)', 'targeted.starts_on', 'day'
        ) }} < targeted.frequency_cap_days
),

-- What a message is worth: the incremental orders it brings (predicted_uplift × the customer's
-- order value) less the discount its coupon gives on every order it is redeemed on (the
-- chance of buying when treated; the propensity score without an uplift model; 1, the
-- cautious bound, without either).
valued as (
    select
        targeted.*,
        greatest(coalesce(targeted.order_value, shop_order_value.order_value, 0), 0)
            as expected_order_value,
        coalesce(
            targeted.treated_conversion_probability, targeted.purchase_probability, 1.0
        ) as redemption_probability
    from targeted
    cross join shop_order_value
),

costed as (
    select
        valued.*,
        valued.redemption_probability * case valued.offer_type
            when 'percent' then valued.offer_value / 100.0 * valued.expected_order_value
            when 'fixed_amount' then least(valued.offer_value, valued.expected_order_value)
            when 'free_shipping' then {{ number_var('retail_recs__free_shipping_cost') }}
        end as expected_coupon_cost
    from valued
),

final as (
    select
        costed.campaign_id,
        costed.user_id,
        costed.rfm_segment,
        costed.cluster_id,
        costed.purchase_probability,
        costed.predicted_uplift,
        costed.expected_order_value,
        costed.expected_coupon_cost,
        costed.predicted_uplift * costed.expected_order_value - costed.expected_coupon_cost
            as expected_incremental_value,
        case
            when not (
                case when costed.channel = 'email' then costed.email_opt_in
                    else costed.sms_opt_in end
            )
                or unsubscribes.unsubscribed_at
                < cast(costed.starts_on as {{ dbt.type_timestamp() }})
                then 'no_consent'
            when not (
                case when costed.channel = 'email' then costed.has_valid_email
                    else costed.has_valid_phone end
            )
                then 'no_valid_contact'
            when product_counts.product_count is null then 'no_recommendations'
        end as base_exclusion_reason,
        recently_messaged.user_id is not null as was_recently_messaged,
        {{ hex_fraction('costed.assignment_hash') }} as treatment_bucket,
        case
            when {{ hex_fraction('costed.assignment_hash') }} < costed.control_share
                then 'control'
            else 'treatment'
        end as assigned_group,
        coalesce(product_counts.product_count, 0) as product_count
    from costed
    left join unsubscribes
        on costed.user_id = unsubscribes.user_id
        and costed.channel = unsubscribes.channel
    left join product_counts
        on costed.campaign_id = product_counts.campaign_id
        and costed.user_id = product_counts.user_id
    left join recently_messaged
        on costed.campaign_id = recently_messaged.campaign_id
        and costed.user_id = recently_messaged.user_id
)

select * from final
