{#- The reference time of a build: var('retail_recs__as_of') when set, else the latest accepted
    event, so rebuilding on the same data gives the same affinities. -#}
{% macro as_of_timestamp() %}
    {%- set as_of = var('retail_recs__as_of') -%}
    {%- if as_of -%}
        {{ timestamp_literal(as_of, 'retail_recs__as_of') }}
    {%- else -%}
        (select max(event_at) from {{ ref('stg_events') }})
    {%- endif -%}
{% endmacro %}

{#- The evaluation cutoff: var('retail_recs__eval_cutoff') when set, else the as-of time minus
    var('retail_recs__eval_test_days') days. Recommenders replay on events up to it; the test
    window is the var('retail_recs__eval_test_days') days after it. -#}
{% macro eval_cutoff_timestamp() %}
    {%- set cutoff = var('retail_recs__eval_cutoff') -%}
    {%- if cutoff -%}
        {{ timestamp_literal(cutoff, 'retail_recs__eval_cutoff') }}
    {%- else -%}
        {{ dbt.dateadd('day', -1 * number_var('retail_recs__eval_test_days') | int, as_of_timestamp()) }}
    {%- endif -%}
{% endmacro %}
