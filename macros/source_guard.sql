{#- on-run-start: one warehouse, one shop. The incremental staging keeps what earlier builds
    read, so a build that points events, items or customers somewhere else would mix two
    shops' rows (and fail far downstream, or worse, pass). The locations a warehouse was built
    from are kept in table retail_recs_build_sources; a build that reads other ones stops with
    what to do, unless it is a --full-refresh, which replaces everything. The optional sources
    are left out: erasure requests and campaign responses appear in a shop's life. -#}
{% macro guard_source_locations() %}
    {#- Rendering is executing only for commands that run hooks: compile and docs render them
        too, and must not drop the record. -#}
    {%- if not execute or flags.WHICH not in ('run', 'build', 'test', 'seed', 'snapshot', 'retry') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set current = {} -%}
    {%- for name in ['events', 'items', 'customers'] -%}
        {%- set location = var('retail_recs__' ~ name ~ '_location') -%}
        {%- do current.update({name: location if location else 'table '
            ~ var('retail_recs__source_schema') ~ '.' ~ name}) -%}
    {%- endfor -%}
    {%- set recorded_relation = api.Relation.create(
        database=target.database if target.database is defined else none,
        schema=target.schema, identifier='retail_recs_build_sources') -%}
    {%- set existing = adapter.get_relation(
        database=recorded_relation.database, schema=recorded_relation.schema,
        identifier=recorded_relation.identifier) -%}
    {%- if existing is not none and not flags.FULL_REFRESH -%}
        {%- set recorded = run_query("select source_name, location from " ~ existing) -%}
        {%- for row in recorded.rows -%}
            {%- if row[0] in current and current[row[0]] != row[1] -%}
                {{ exceptions.raise_compiler_error(
                    "This warehouse was built from " ~ row[1] ~ " (source " ~ row[0]
                    ~ "), and this build reads " ~ current[row[0]] ~ ". Two shops' data are "
                    ~ "never mixed in one warehouse: build into a new file (python -m "
                    ~ "retail_recs.build --data DIR --db NEW.duckdb, or env RETAIL_RECS_DB), "
                    ~ "or replace this one with dbt build --full-refresh."
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if existing is not none -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for name, location in current.items() -%}
        {%- do rows.append("select '" ~ name ~ "' as source_name, '"
            ~ dbt.escape_single_quotes(location) ~ "' as location") -%}
    {%- endfor -%}
    {{ return("create table " ~ recorded_relation ~ " as " ~ rows | join(" union all ")) }}
{% endmacro %}
