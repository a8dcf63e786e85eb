{#- Frozen audiences. Once stg_campaign_events holds a send of a campaign, the rows an
    audience model already holds for it are what was sent: later builds keep them (groups,
    coupons, products) instead of recomputing them from newer segments, so a customer never
    leaves the audience measured by campaign_performance. The models are incremental by
    campaign (delete+insert on campaign_id) on DuckDB; on Spark they are rebuilt (plain
    Parquet cannot delete in place), which recomputes sent audiences (README, "Running on
    Spark"). -#}

{#- The campaigns of `this` to keep as they are: those with a send that the table already
    holds (a full build has nothing to keep). Run at execution time: the list shapes the SQL. -#}
{% macro frozen_campaign_ids() %}
    {%- if not (execute and is_incremental()) -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select distinct held.campaign_id
        from {{ this }} as held
        inner join {{ ref('stg_campaign_events') }} as campaign_events
            on held.campaign_id = campaign_events.campaign_id
        where campaign_events.event_type = 'sent'
        order by held.campaign_id
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}

{#- A SQL condition on `column` that is true for campaigns not frozen (always true when none is). -#}
{% macro not_frozen(column, frozen) %}
    {%- if frozen -%}
        {{ column }} not in ({% for campaign_id in frozen %}'{{ campaign_id | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- else -%}
        1 = 1
    {%- endif -%}
{% endmacro %}

{#- Pre-hook of an audience model: a campaign taken out of the seed takes its rows with it,
    sent or not (what is not in the seed is not measured). -#}
{% macro delete_removed_campaigns() %}
    {%- if is_incremental() -%}
        delete from {{ this }} where campaign_id not in (select campaign_id from {{ ref('campaigns') }})
    {%- endif -%}
{%- endmacro %}
