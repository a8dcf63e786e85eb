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

{#- expression with its match of pattern, anchored at the start (^) so that there is one,
    replaced; replacement names groups as DuckDB does ('\1'), and Spark's are written '$1'. -#}
{% macro regex_replace_anchored(expression, pattern, replacement) %}
    {{ return(adapter.dispatch('regex_replace_anchored', 'retail_recs')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro default__regex_replace_anchored(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{% endmacro %}

{% macro spark__regex_replace_anchored(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ spark_regex_literal(pattern) }}', '{{ replacement | replace('\\', '$') }}')
{% endmacro %}

{#- The groups of an anchored pattern in text as a struct of text fields named names, in
    order ('' where a group took no part or the pattern does not match): one pass on DuckDB. -#}
{% macro regex_extract_struct(text, pattern, names) %}
    {{ return(adapter.dispatch('regex_extract_struct', 'retail_recs')(text, pattern, names)) }}
{% endmacro %}

{% macro duckdb__regex_extract_struct(text, pattern, names) %}
    regexp_extract({{ text }}, '{{ pattern }}', ['{{ names | join("', '") }}'])
{% endmacro %}

{% macro spark__regex_extract_struct(text, pattern, names) %}
    named_struct(
        {%- for name in names %}
        '{{ name }}', regexp_extract({{ text }}, '{{ spark_regex_literal(pattern) }}', {{ loop.index }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{% endmacro %}
