{#- Regular expressions differ in name and flags across engines. -#}
{% macro regex_matches(expression, pattern) %}
    {{ return(adapter.dispatch('regex_matches', 'retail_recs')(expression, pattern)) }}
{% endmacro %}

{% macro duckdb__regex_matches(expression, pattern) %}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{% endmacro %}

{#- Spark string literals unescape backslashes ('\.' would reach the regex as '.', any
    character), so the pattern's backslashes are doubled. -#}
{% macro spark__regex_matches(expression, pattern) %}
    ({{ expression }} rlike '^{{ spark_regex_literal(pattern) }}$')
{% endmacro %}

{% macro default__regex_matches(expression, pattern) %}
    regexp_like({{ expression }}, '^{{ pattern }}$')
{% endmacro %}

{% macro regex_replace_all(expression, pattern, replacement) %}
    {{ return(adapter.dispatch('regex_replace_all', 'retail_recs')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro duckdb__regex_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{% endmacro %}

{% macro spark__regex_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ spark_regex_literal(pattern) }}', '{{ replacement }}')
{% endmacro %}

{% macro spark_regex_literal(pattern) %}{{ pattern | replace('\\', '\\\\') }}{% endmacro %}

{% macro default__regex_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{% endmacro %}
