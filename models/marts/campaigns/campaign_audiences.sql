-- Who gets which campaign. Campaigns are decided one after another (earlier start first, then
-- campaign_id): a customer admitted to a campaign's audience is not admitted to a later one
-- whose dates overlap it, nor, if treated, to one starting within the later campaign's
-- frequency cap. The order and the campaign-to-campaign conflicts come from the seed at
-- compile time; each step is one CTE over one row per customer, so the SQL stays linear in
-- the number of campaigns and portable (no recursion).
--
-- Frozen at the send (macros/frozen_audiences.sql): the rows of a campaign with a send in
-- stg_campaign_events are kept as they were, and later campaigns are decided against the
-- frozen admissions of earlier ones.
-- depends_on: {{ ref('stg_campaign_events') }}, {{ ref('base_erasure_requests') }}, {{ ref('campaigns') }}
{{ config(
    materialized=in_place_incremental_materialization(),
    unique_key='campaign_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    full_refresh=false,
    pre_hook=["{{ delete_erased_customers() }}", "{{ delete_removed_campaigns() }}"]
) }}
{%- set frozen = frozen_campaign_ids() -%}
{%- set campaign_order = [] -%}
{%- set conflicts = [] -%}
{#- Before the seed is loaded (dbt compile or docs generate on an empty warehouse) there is
    nothing to read: the SQL then compiles for no campaigns. -#}
{%- set seed_relation = adapter.get_relation(
    database=ref('campaigns').database,
    schema=ref('campaigns').schema,
    identifier=ref('campaigns').identifier
) -%}
{%- if execute and seed_relation is not none -%}
    {%- set order_query -%}
        select campaign_id from {{ ref('campaigns') }} order by starts_on, campaign_id
    {%- endset -%}
    {%- set campaign_order = run_query(order_query).columns[0].values() | list -%}
    {#- Earlier campaign X conflicts with later campaign Y when their dates overlap (both arms
        of X are kept out of Y), or when X starts less than Y's frequency cap before Y
        (X's treatment group is kept out of Y). -#}
    {%- set conflict_query -%}
        select
            later.campaign_id,
            earlier.campaign_id as earlier_campaign_id,
            case
                when earlier.ends_on >= later.starts_on then 'overlapping_campaign'
                else 'frequency_cap'
            end as conflict
        from {{ ref('campaigns') }} as later
        inner join {{ ref('campaigns') }} as earlier
            on earlier.starts_on < later.starts_on
            or (earlier.starts_on = later.starts_on and earlier.campaign_id < later.campaign_id)
        where earlier.ends_on >= later.starts_on
            or {{ dbt.datediff('earlier.starts_on', 'later.starts_on', 'day') }}
            < later.frequency_cap_days
        order by later.campaign_id, earlier.campaign_id
    {%- endset -%}
    {%- set conflicts = run_query(conflict_query).rows | list -%}
{%- endif -%}
{%- set position = {} -%}
{%- for campaign_id in campaign_order -%}
    {%- do position.update({campaign_id: loop.index}) -%}
{%- endfor %}

with campaigns as (
    select * from {{ ref('campaigns') }}
),

candidates as (
    select * from {{ ref('int_campaign_candidates') }}
),

products as (
    select * from {{ ref('int_campaign_products') }}
),

candidates_grouped as (
    select
        candidates.*,
        case
            when candidates.treatment_bucket < campaigns.control_share then 'control'
            else 'treatment'
        end as assigned_group
    from candidates
    inner join campaigns
        on candidates.campaign_id = campaigns.campaign_id
),

-- Today's candidates, and the members of frozen campaigns as they were sent.
flag_rows as (
    select
        user_id,
        campaign_id,
        base_exclusion_reason,
        was_recently_messaged,
        assigned_group,
        cast(null as {{ dbt.type_string() }}) as frozen_group
    from candidates_grouped
    {%- if frozen %}
    union all
    select
        user_id,
        campaign_id,
        cast(null as {{ dbt.type_string() }}),
        false,
        cast(null as {{ dbt.type_string() }}),
        experiment_group
    from {{ this }}
    where is_eligible and not ({{ not_frozen('campaign_id', frozen) }})
    {%- endif %}
),

-- One row per customer, three flags per campaign (by position in the order); a frozen
-- campaign's admission and group are the ones sent.
customer_flags as (
    select
        user_id
        {%- for campaign_id in campaign_order %}
        {%- set i = loop.index %}
        {%- set is_campaign = "campaign_id = '" ~ (campaign_id | replace("'", "''")) ~ "'" %}
        {%- if campaign_id in frozen %},
        max(case when {{ is_campaign }} and frozen_group is not null then 1 else 0 end)
            as is_open_{{ i }},
        0 as was_messaged_{{ i }},
        max(case when {{ is_campaign }} and frozen_group = 'treatment' then 1 else 0 end)
            as is_treated_{{ i }}
        {%- else %},
        max(case when {{ is_campaign }} and base_exclusion_reason is null then 1 else 0 end)
            as is_open_{{ i }},
        max(case when {{ is_campaign }} and was_recently_messaged then 1 else 0 end)
            as was_messaged_{{ i }},
        max(case when {{ is_campaign }} and assigned_group = 'treatment' then 1 else 0 end)
            as is_treated_{{ i }}
        {%- endif %}
        {%- endfor %}
    from flag_rows
    group by user_id
),

step_0 as (
    select * from customer_flags
),

{% for campaign_id in campaign_order %}
{%- set i = loop.index %}
{%- set overlapping = [] %}
{%- set capping = [] %}
{%- for conflict in conflicts if conflict[0] == campaign_id %}
    {%- if conflict[2] == 'overlapping_campaign' %}
        {%- do overlapping.append('admitted_' ~ position[conflict[1]] ~ ' = 1') %}
    {%- else %}
        {%- do capping.append(
            '(admitted_' ~ position[conflict[1]] ~ ' = 1 and is_treated_' ~ position[conflict[1]] ~ ' = 1)'
        ) %}
    {%- endif %}
{%- endfor %}
{%- set overlap_condition = overlapping | join(' or ') if overlapping else '1 = 0' %}
{%- set cap_condition = (['was_messaged_' ~ i ~ ' = 1'] + capping) | join(' or ') %}
{#- A frozen campaign admitted whom it sent to: no rule is re-applied. #}
{%- if campaign_id in frozen %}
    {%- set overlap_condition, cap_condition = '1 = 0', '1 = 0' %}
{%- endif %}
step_{{ i }} as (
    select
        *,
        case
            when is_open_{{ i }} = 0 then null
            when {{ overlap_condition }} then 'overlapping_campaign'
            when {{ cap_condition }} then 'frequency_cap'
        end as step_reason_{{ i }},
        case
            when is_open_{{ i }} = 1
                and not ({{ overlap_condition }})
                and not ({{ cap_condition }})
                then 1
            else 0
        end as admitted_{{ i }}
    from step_{{ loop.index0 }}
),

{% endfor %}
decided as (
    select
        candidates_grouped.*,
        {% if campaign_order -%}
        case
            {%- for campaign_id in campaign_order %}
            when candidates_grouped.campaign_id = '{{ campaign_id | replace("'", "''") }}'
                then steps.step_reason_{{ loop.index }}
            {%- endfor %}
        end
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as step_reason
    from candidates_grouped
    inner join step_{{ campaign_order | length }} as steps
        on candidates_grouped.user_id = steps.user_id
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

classified as (
    select
        decided.*,
        coalesce(decided.base_exclusion_reason, decided.step_reason) as exclusion_reason
    from decided
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
        case when classified.exclusion_reason is null then classified.assigned_group end
            as experiment_group,
        case
            when classified.exclusion_reason is null and classified.assigned_group = 'treatment'
                then {{ coupon_code(
                    'campaigns.coupon_prefix', 'classified.campaign_id', 'classified.user_id'
                ) }}
        end as coupon_code,
        campaigns.offer_type,
        campaigns.offer_value,
        campaigns.starts_on,
        campaigns.ends_on,
        case
            when classified.exclusion_reason is null and classified.assigned_group = 'treatment'
                then message_products.product_count
            else 0
        end as product_count,
        case
            when classified.exclusion_reason is null and classified.assigned_group = 'treatment'
                then message_products.product_item_ids
        end as product_item_ids,
        case
            when classified.exclusion_reason is null and classified.assigned_group = 'treatment'
                then message_products.product_names
        end as product_names
    from classified
    inner join campaigns
        on classified.campaign_id = campaigns.campaign_id
    left join message_products
        on classified.campaign_id = message_products.campaign_id
        and classified.user_id = message_products.user_id
    where {{ not_frozen('classified.campaign_id', frozen) }}
)

select * from final
