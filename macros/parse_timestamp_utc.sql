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
