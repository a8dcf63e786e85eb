{#- Text to a UTC timestamp without time zone, NULL when unparseable. Strings with an offset
    ('2024-03-01T10:00:00+01:00', '...Z') are converted to UTC; naive strings are read as UTC. -#}
{% macro parse_timestamp_utc(expression) %}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'retail_recs')(expression)) }}
{% endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) %}
    cast(timezone('UTC', try_cast({{ expression }} as timestamptz)) as timestamp)
{% endmacro %}

{% macro spark__parse_timestamp_utc(expression) %}
    to_utc_timestamp(try_cast({{ expression }} as timestamp), current_timezone())
{% endmacro %}

{% macro default__parse_timestamp_utc(expression) %}
    {{ dbt.safe_cast(expression, api.Column.translate_type('timestamp')) }}
{% endmacro %}

{#- A raw timestamp column as text, the same on every engine: the base views hand text to
    staging, which parses it. An instant (DuckDB TIMESTAMPTZ, Spark TIMESTAMP) renders with
    its offset, '2026-01-05 09:00:00+00' (both sessions run in UTC, profiles.yml); text and
    naive timestamps pass as they are. -#}
{% macro timestamp_text(column) %}
    {{ return(adapter.dispatch('timestamp_text', 'retail_recs')(column)) }}
{% endmacro %}

{% macro default__timestamp_text(column) %}
    cast({{ column }} as {{ dbt.type_string() }})
{% endmacro %}

{#- Spark renders its TIMESTAMP (an instant) without the offset DuckDB shows. -#}
{% macro spark__timestamp_text(column) %}
    case
        when typeof({{ column }}) = 'timestamp'
            then concat(cast({{ column }} as string), '+00')
        else cast({{ column }} as string)
    end
{% endmacro %}
