{#- The keyword that makes a CTE computed once even when it is used twice (DuckDB and
    Postgres inline CTEs by default); elsewhere nothing, and the warehouse decides. -#}
{% macro materialized_cte() %}
    {{- return(adapter.dispatch('materialized_cte', 'retail_recs')()) -}}
{% endmacro %}

{% macro default__materialized_cte() %}{% endmacro %}

{% macro duckdb__materialized_cte() %}materialized{% endmacro %}

{% macro postgres__materialized_cte() %}materialized{% endmacro %}
