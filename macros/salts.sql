{#- The SQL that reads a salt ('pii' or 'coupon') at run time. On DuckDB it is a variable the
    plugin retail_recs.duckdb_secrets binds from RETAIL_RECS_<NAME>_SALT on every cursor, so
    the secret is in no compiled SQL, artifact or log under target/. -#}
{% macro salt_sql(name) %}
    {{ return(adapter.dispatch('salt_sql', 'retail_recs')(name)) }}
{% endmacro %}

{% macro duckdb__salt_sql(name) %}getvariable('retail_recs_{{ name }}_salt'){% endmacro %}

{#- On Spark a session variable, which retail_recs.spark_build sets from the environment
    with a bound parameter before dbt runs. A view cannot read a session variable, so models
    that hash contacts are tables there (salted_view_materialization). -#}
{% macro spark__salt_sql(name) %}system.session.retail_recs_{{ name }}_salt{% endmacro %}

{#- Other engines have no such binding here yet: the salt is rendered as an escaped literal
    (it then appears in target/; keep that folder private there). -#}
{% macro default__salt_sql(name) %}
    {%- set defaults = {'pii': 'retail-recs-demo-salt', 'coupon': 'retail-recs-demo-coupon-salt'} -%}
    {{- "'" ~ dbt.escape_single_quotes(env_var('RETAIL_RECS_' ~ name | upper ~ '_SALT', defaults[name])) ~ "'" -}}
{% endmacro %}

{#- A view model that reads a salt: a view, except on Spark, where it is a table. -#}
{% macro salted_view_materialization() %}
    {{ return(adapter.dispatch('salted_view_materialization', 'retail_recs')()) }}
{% endmacro %}

{% macro default__salted_view_materialization() %}{{ return('view') }}{% endmacro %}

{% macro spark__salted_view_materialization() %}{{ return('table') }}{% endmacro %}
