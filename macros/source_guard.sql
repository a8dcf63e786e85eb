{#- on-run-start: one warehouse, one shop. The incremental staging keeps what earlier builds
    read, so a build that points events, items or customers somewhere else would mix two
    shops' rows (and fail far downstream, or worse, pass). The locations a warehouse was built
    from are kept in table retail_recs_build_sources; a build that reads other ones stops with
    what to do, unless it is a --full-refresh, which replaces everything. The optional sources
    are left out: erasure requests and campaign responses appear in a shop's life. -#}
{% macro guard_source_locations() %}
    {%- if not build_record_applies() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set current = {} -%}
    {#- A shop without a customer file or a catalogue (var null, an optional source) has no
        location to compare: adding one later is the same shop. -#}
    {%- for name in ['events', 'items', 'customers']
        if var('retail_recs__' ~ name ~ '_location') is not none or name == 'events' -%}
        {%- set location = var('retail_recs__' ~ name ~ '_location') -%}
        {%- do current.update({name: location if location else 'table '
            ~ var('retail_recs__source_schema') ~ '.' ~ name}) -%}
    {%- endfor -%}
    {%- set recorded = [] if flags.FULL_REFRESH
        else read_build_record('retail_recs_build_sources', ['source_name', 'location']) or [] -%}
    {%- for name, location in recorded -%}
        {%- if name in current and current[name] != location -%}
            {{ exceptions.raise_compiler_error(
                "This warehouse was built from " ~ location ~ " (source " ~ name
                ~ "), and this build reads " ~ current[name] ~ ". Two shops' data are "
                ~ "never mixed in one warehouse: build into a new file (python -m "
                ~ "retail_recs.build --data DIR --db NEW.duckdb, or env RETAIL_RECS_DB), "
                ~ "or replace this one with dbt build --full-refresh."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(replace_build_record('retail_recs_build_sources', ['source_name', 'location'],
        current.items() | list)) }}
{% endmacro %}
