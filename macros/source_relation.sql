{#- The one place raw input is read. A source is either a file location (var
    retail_recs__<name>_location) or, when that var is empty, the declared table
    source('retail', <name>). An optional source whose var is null has no rows yet.
    Calling source() in every case keeps the source in lineage. -#}
{% macro source_relation(source_name) %}
    {%- set declared = source('retail', source_name) -%}
    {%- set location = var('retail_recs__' ~ source_name ~ '_location') -%}
    {%- set optional_columns = optional_source_columns() -%}
    {%- if location is none and source_name in optional_columns -%}
        {{ return(empty_relation(optional_columns[source_name])) }}
    {%- elif location -%}
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

{#- Columns of the optional sources, for the empty relation read when their var is null. -#}
{% macro optional_source_columns() %}
    {%- set text = dbt.type_string() -%}
    {{ return({
        'erasure_requests': {'user_id': text, 'requested_at': dbt.type_timestamp()},
        'campaign_events': {
            'event_id': text, 'campaign_id': text, 'user_id': text, 'event_type': text,
            'event_at': dbt.type_timestamp(), 'order_id': text, 'order_value': type_double()
        },
    }) }}
{% endmacro %}

{#- A relation with these typed columns and no rows (callers alias it, like any source). -#}
{% macro empty_relation(columns) %}
    (select
        {%- for name, data_type in columns.items() %}
        cast(null as {{ data_type }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    where 1 = 0)
{% endmacro %}
