{#- body, a SQL expression in which name stands for expression's value: the expression is
    written once, however often body reads it. A lambda over a one-element list, which both
    engines have. -#}
{% macro bind_value(expression, name, body) %}
    {{ return(adapter.dispatch('bind_value', 'retail_recs')(expression, name, body)) }}
{% endmacro %}

{% macro duckdb__bind_value(expression, name, body) %}
    list_transform([{{ expression }}], lambda {{ name }}: {{ body }})[1]
{% endmacro %}

{% macro spark__bind_value(expression, name, body) %}
    transform(array({{ expression }}), {{ name }} -> {{ body }})[0]
{% endmacro %}
