{#- dbt-duckdb renders dbt.safe_cast as a plain cast, which fails the whole build on one bad
    value; try_cast gives NULL instead, which the staging rules then reject with a reason. -#}
{% macro duckdb__safe_cast(field, type) %}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
