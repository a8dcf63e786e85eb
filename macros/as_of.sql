{#- The reference time of a build: var('retail_recs__as_of') when set, else the latest accepted
    event, so rebuilding on the same data gives the same affinities. -#}
{% macro as_of_timestamp() %}
    {%- set as_of = var('retail_recs__as_of') -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        (select max(event_at) from {{ ref('stg_events') }})
    {%- endif -%}
{% endmacro %}
