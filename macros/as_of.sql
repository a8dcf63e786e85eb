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

{#- Where the evaluation's ranker learns: var retail_recs__ranker_horizon_days before the
    evaluation cutoff. Its features are computed on the events up to it and its labels are
    the purchases between it and the evaluation cutoff, so the replayed ranker never sees the
    test window. -#}
{% macro eval_training_cutoff_timestamp() %}
    {{- dbt.dateadd('day', -1 * ranker_horizon_days(), eval_cutoff_timestamp()) -}}
{% endmacro %}

{#- The ranker's label window in days: var retail_recs__ranker_horizon_days, null = the
    evaluation's test window (var retail_recs__eval_test_days). -#}
{% macro ranker_horizon_days() %}
    {%- if var('retail_recs__ranker_horizon_days') is none -%}
        {{ return(number_var('retail_recs__eval_test_days') | int) }}
    {%- endif -%}
    {{ return(number_var('retail_recs__ranker_horizon_days') | int) }}
{% endmacro %}
