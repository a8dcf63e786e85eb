{#- The number of elements of an array column (SVD factor vectors). -#}
{% macro array_size(expression) %}
    {{ return(adapter.dispatch('array_size', 'retail_recs')(expression)) }}
{% endmacro %}

{% macro default__array_size(expression) %}cardinality({{ expression }}){% endmacro %}

{% macro duckdb__array_size(expression) %}len({{ expression }}){% endmacro %}

{% macro spark__array_size(expression) %}size({{ expression }}){% endmacro %}
