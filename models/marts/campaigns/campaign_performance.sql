-- Did the campaign work? Treatment against control, for all members and per RFM segment:
-- message funnel, conversion and revenue per recipient, the conversion uplift with its 95%
-- interval and the two-proportion z-test, and the incremental revenue.
with campaigns as (
    select campaign_id, campaign_name, channel from {{ ref('campaigns') }}
),

outcomes as (
    select * from {{ ref('int_campaign_outcomes') }}
),

scoped as (
    select 'all' as segment_type, 'All' as segment, outcomes.*
    from outcomes
    union all
    select 'rfm_segment', coalesce(rfm_segment, 'No orders'), outcomes.*
    from outcomes
),

{%- set treated = "experiment_group = 'treatment'" %}
{%- set held_out = "experiment_group = 'control'" %}

arms as (
    select
        campaign_id,
        segment_type,
        segment,
        {#- Counts are cast: sum() of integers is a 128-bit type on DuckDB. -#}
        cast(sum(case when {{ treated }} then 1 else 0 end) as {{ dbt.type_bigint() }})
            as treatment_recipients,
        cast(sum(case when {{ held_out }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as control_recipients,
        cast(sum(case when {{ treated }} then was_sent else 0 end) as {{ dbt.type_bigint() }}) as sent,
        cast(sum(case when {{ treated }} then was_delivered else 0 end) as {{ dbt.type_bigint() }}) as delivered,
        cast(sum(case when {{ treated }} then has_opened else 0 end) as {{ dbt.type_bigint() }}) as openers,
        cast(sum(case when {{ treated }} then has_clicked else 0 end) as {{ dbt.type_bigint() }}) as clickers,
        cast(sum(case when {{ treated }} then has_unsubscribed else 0 end) as {{ dbt.type_bigint() }}) as unsubscribers,
        cast(sum(case when {{ treated }} then has_converted else 0 end) as {{ dbt.type_bigint() }}) as treatment_conversions,
        cast(sum(case when {{ held_out }} then has_converted else 0 end) as {{ dbt.type_bigint() }}) as control_conversions,
        sum(case when {{ treated }} then revenue else 0 end) as treatment_revenue,
        sum(case when {{ held_out }} then revenue else 0 end) as control_revenue,
        var_samp(case when {{ treated }} then revenue end) as treatment_revenue_variance,
        var_samp(case when {{ held_out }} then revenue end) as control_revenue_variance
    from scoped
    group by campaign_id, segment_type, segment
),

rates as (
    select
        arms.*,
        treatment_conversions / cast(nullif(treatment_recipients, 0) as {{ type_double() }})
            as treatment_conversion_rate,
        control_conversions / cast(nullif(control_recipients, 0) as {{ type_double() }})
            as control_conversion_rate,
        (treatment_conversions + control_conversions)
            / cast(nullif(treatment_recipients + control_recipients, 0) as {{ type_double() }})
            as pooled_conversion_rate,
        treatment_revenue / cast(nullif(treatment_recipients, 0) as {{ type_double() }})
            as treatment_revenue_per_recipient,
        control_revenue / cast(nullif(control_recipients, 0) as {{ type_double() }})
            as control_revenue_per_recipient
    from arms
),

errors as (
    select
        rates.*,
        treatment_conversion_rate - control_conversion_rate as conversion_uplift,
        -- Unpooled standard error for the interval, pooled under H0 for the test.
        -- Zero when both rates are 0 or 1: no interval can be given then.
        nullif(sqrt(
            treatment_conversion_rate * (1 - treatment_conversion_rate) / nullif(treatment_recipients, 0)
            + control_conversion_rate * (1 - control_conversion_rate) / nullif(control_recipients, 0)
        ), 0) as uplift_standard_error,
        sqrt(
            pooled_conversion_rate * (1 - pooled_conversion_rate)
            * (cast(1 as {{ type_double() }}) / nullif(treatment_recipients, 0) + cast(1 as {{ type_double() }}) / nullif(control_recipients, 0))
        ) as null_standard_error,
        -- Relative uplift's interval on the log of the rate ratio (delta method).
        case
            when treatment_conversions > 0 and control_conversions > 0
                then sqrt(
                    (1 - treatment_conversion_rate) / treatment_conversions
                    + (1 - control_conversion_rate) / control_conversions
                )
        end as log_ratio_standard_error,
        treatment_revenue_per_recipient - control_revenue_per_recipient
            as revenue_per_recipient_uplift,
        sqrt(
            treatment_revenue_variance / nullif(treatment_recipients, 0)
            + control_revenue_variance / nullif(control_recipients, 0)
        ) as revenue_uplift_standard_error
    from rates
),

tested as (
    select
        errors.*,
        conversion_uplift / nullif(null_standard_error, 0) as z_score
    from errors
),

final as (
    select
        tested.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        tested.segment_type,
        tested.segment,
        tested.treatment_recipients,
        tested.control_recipients,
        tested.sent,
        tested.delivered,
        -- SMS reports no opens.
        case
            when campaigns.channel = 'email'
                then tested.openers / cast(nullif(tested.delivered, 0) as {{ type_double() }})
        end as open_rate,
        tested.clickers / cast(nullif(tested.delivered, 0) as {{ type_double() }})
            as click_through_rate,
        tested.unsubscribers / cast(nullif(tested.delivered, 0) as {{ type_double() }})
            as unsubscribe_rate,
        tested.treatment_conversions,
        tested.control_conversions,
        tested.treatment_conversion_rate,
        tested.control_conversion_rate,
        tested.treatment_revenue_per_recipient,
        tested.control_revenue_per_recipient,
        tested.conversion_uplift,
        tested.conversion_uplift - {{ z_95() }} * tested.uplift_standard_error
            as conversion_uplift_ci_low,
        tested.conversion_uplift + {{ z_95() }} * tested.uplift_standard_error
            as conversion_uplift_ci_high,
        tested.conversion_uplift / nullif(tested.control_conversion_rate, 0)
            as relative_conversion_uplift,
        case when tested.log_ratio_standard_error is not null then exp(
            ln(tested.treatment_conversion_rate / tested.control_conversion_rate)
            - {{ z_95() }} * tested.log_ratio_standard_error
        ) - 1 end as relative_conversion_uplift_ci_low,
        case when tested.log_ratio_standard_error is not null then exp(
            ln(tested.treatment_conversion_rate / tested.control_conversion_rate)
            + {{ z_95() }} * tested.log_ratio_standard_error
        ) - 1 end as relative_conversion_uplift_ci_high,
        tested.z_score,
        {{ two_sided_p_value('tested.z_score') }} as p_value,
        tested.conversion_uplift * tested.treatment_recipients as incremental_conversions,
        tested.revenue_per_recipient_uplift * tested.treatment_recipients
            as incremental_revenue,
        (tested.revenue_per_recipient_uplift - {{ z_95() }} * tested.revenue_uplift_standard_error)
            * tested.treatment_recipients as incremental_revenue_ci_low,
        (tested.revenue_per_recipient_uplift + {{ z_95() }} * tested.revenue_uplift_standard_error)
            * tested.treatment_recipients as incremental_revenue_ci_high
    from tested
    inner join campaigns
        on tested.campaign_id = campaigns.campaign_id
)

select * from final
