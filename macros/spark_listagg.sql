{#- dbt.listagg on Spark: dbt-spark's version drops the ORDER BY (it only logs a warning), so
    'primary, contributing' lists would come out in whatever order the shuffle left them.
    Spark 4 has the standard ordered form. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("retail_recs: listagg with limit_num is not used on Spark") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
