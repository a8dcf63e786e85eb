{#- What a warehouse was built from, kept beside its tables: each record is one table of text
    columns that a run hook reads, compares with this build's, and replaces. -#}

{#- Rendering is executing only for commands that run hooks: compile and docs render them too,
    and must not drop a record. -#}
{% macro build_record_applies() %}
    {{ return(execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot', 'retry')) }}
{% endmacro %}

{% macro build_record_relation(identifier) %}
    {{ return(api.Relation.create(
        database=target.database if target.database is defined else none,
        schema=target.schema, identifier=identifier)) }}
{% endmacro %}

{#- The record's rows (columns in the order given), or none when there is no record. -#}
{% macro read_build_record(identifier, columns) %}
    {%- set relation = build_record_relation(identifier) -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query("select " ~ columns | join(", ") ~ " from " ~ existing).rows) }}
{% endmacro %}

{#- Drops the record and returns the statement that writes rows (lists of texts, in the order
    of columns) in its place, for the hook to run. -#}
{% macro replace_build_record(identifier, columns, rows) %}
    {%- set relation = build_record_relation(identifier) -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is not none -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for row in rows -%}
        {%- set values = [] -%}
        {%- for column in columns -%}
            {%- do values.append("'" ~ dbt.escape_single_quotes(row[loop.index0]) ~ "' as " ~ column) -%}
        {%- endfor -%}
        {%- do selects.append("select " ~ values | join(", ")) -%}
    {%- endfor -%}
    {{ return("create table " ~ relation ~ " as " ~ selects | join(" union all ")) }}
{% endmacro %}
