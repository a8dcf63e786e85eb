{#- A 64-bit float. type_double() is 32-bit on DuckDB ('float' = REAL), too coarse for
    scores and shares that are compared and summed. -#}
{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'retail_recs')()) }}
{% endmacro %}

{% macro default__type_double() %}double precision{% endmacro %}

{% macro duckdb__type_double() %}double{% endmacro %}

{% macro spark__type_double() %}double{% endmacro %}
