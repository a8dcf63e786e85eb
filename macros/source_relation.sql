{#- The one place raw input is read. A source is either a file location (var
    retail_recs__<name>_location) or, when that var is empty, the declared table
    source('retail', <name>). Calling source() in both cases keeps the source in lineage. -#}
{% macro source_relation(source_name) %}
    {%- set declared = source('retail', source_name) -%}
    {%- set location = var('retail_recs__' ~ source_name ~ '_location') -%}
    {%- if location -%}
        {{ return(adapter.dispatch('read_location', 'retail_recs')(location)) }}
    {%- else -%}
        {{ return(declared) }}
    {%- endif -%}
{% endmacro %}

{#- Read a Parquet or CSV location as a relation. CSV columns are all read as text:
    staging parses them, so a malformed value is quarantined instead of failing the load. -#}
{% macro duckdb__read_location(location) %}
    {%- set lowered = location | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.tsv') -%}
        read_csv('{{ location }}', header = true, all_varchar = true)
    {%- else -%}
        read_parquet('{{ location }}')
    {%- endif -%}
{% endmacro %}

{% macro spark__read_location(location) %}
    {%- set lowered = location | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') -%}
        csv.`{{ location }}`
    {%- else -%}
        parquet.`{{ location }}`
    {%- endif -%}
{% endmacro %}

{% macro default__read_location(location) %}
    {{ exceptions.raise_compiler_error(
        "retail_recs: reading files directly (location '" ~ location ~ "') works on DuckDB and "
        ~ "Spark only. Load the file into a table in schema var('retail_recs__source_schema') and "
        ~ "set the location var to ''."
    ) }}
{% endmacro %}
