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

{#- The evaluation cutoff: where the recommenders' replay stops, the start of the test window
    that model eval_window chose (var retail_recs__eval_cutoff when set, else the as-of time
    minus the window). -#}
{% macro eval_cutoff_timestamp() %}
    (select cutoff_at from {{ ref('eval_window') }} where is_chosen)
{%- endmacro %}

{#- The length of the evaluation's test window in days, as SQL: the one model eval_window
    chose (var retail_recs__eval_test_days, or with 'auto' the shortest of
    var retail_recs__eval_test_days_candidates that evaluates enough customers). -#}
{% macro eval_test_days() %}
    (select window_days from {{ ref('eval_window') }} where is_chosen)
{%- endmacro %}

{#- The test windows model eval_window considers, in days: var retail_recs__eval_test_days
    itself, or with 'auto' each of var retail_recs__eval_test_days_candidates (sorted). -#}
{% macro eval_test_days_candidates() %}
    {%- set setting = var('retail_recs__eval_test_days') -%}
    {%- if setting is string and setting | trim | lower == 'auto' -%}
        {%- set name = 'retail_recs__eval_test_days_candidates' -%}
        {%- set candidates = var(name) -%}
        {%- if candidates is string or candidates is not iterable or candidates | length == 0 -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a list of whole numbers of days, got " ~ candidates) }}
        {%- endif -%}
    {%- else -%}
        {%- set name = 'retail_recs__eval_test_days' -%}
        {%- set candidates = [setting] -%}
    {%- endif -%}
    {%- for days in candidates -%}
        {%- if days is not number or days is boolean or days != days | int or days < 1 -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " must be " ~ ("'auto' or " if name == 'retail_recs__eval_test_days' else "a list of ")
                ~ "whole numbers of days (at least 1), got " ~ (setting if name == 'retail_recs__eval_test_days' else candidates)
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(candidates | map('int') | unique | sort | list) }}
{% endmacro %}

{#- Where the evaluation's ranker learns: var retail_recs__ranker_horizon_days before the
    evaluation cutoff. Its features are computed on the events up to it and its labels are
    the purchases between it and the evaluation cutoff, so the replayed ranker never sees the
    test window. -#}
{% macro eval_training_cutoff_timestamp() %}
    {{- dbt.dateadd('day', '-1 * ' ~ ranker_horizon_days(), eval_cutoff_timestamp()) -}}
{% endmacro %}

{#- The ranker's label window in days: var retail_recs__ranker_horizon_days, null = the
    evaluation's test window (macro eval_test_days, SQL). -#}
{% macro ranker_horizon_days() %}
    {%- if var('retail_recs__ranker_horizon_days') is none -%}
        {{ return(eval_test_days()) }}
    {%- endif -%}
    {{ return(number_var('retail_recs__ranker_horizon_days') | int) }}
{% endmacro %}
