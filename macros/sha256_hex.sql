{#- Lower-case hex sha256 of a text expression. -#}
{% macro sha256_hex(expression) %}
    {{ return(adapter.dispatch('sha256_hex', 'retail_recs')(expression)) }}
{% endmacro %}

{% macro duckdb__sha256_hex(expression) %}
    sha256({{ expression }})
{% endmacro %}

{% macro default__sha256_hex(expression) %}
    sha2({{ expression }}, 256)
{% endmacro %}
