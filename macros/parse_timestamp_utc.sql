{#- Text to a UTC timestamp without time zone, NULL when unparseable. Strings with an offset
    ('2024-03-01T10:00:00+01:00', '...Z') are converted to UTC; naive strings are read as UTC;
    digits alone are Unix time in seconds, milliseconds or microseconds (epoch_text_pattern). -#}
{% macro parse_timestamp_utc(expression) %}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'retail_recs')(expression)) }}
{% endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) %}
    case
        when {{ regex_matches(expression, epoch_text_pattern()) }}
            then make_timestamp({{ epoch_text_micros(expression) }})
        else cast(timezone('UTC', try_cast({{ expression }} as timestamptz)) as timestamp)
    end
{% endmacro %}

{% macro spark__parse_timestamp_utc(expression) %}
    to_utc_timestamp(
        case
            when {{ regex_matches(expression, epoch_text_pattern()) }}
                then timestamp_micros({{ epoch_text_micros(expression) }})
            else try_cast({{ expression }} as timestamp)
        end,
        current_timezone()
    )
{% endmacro %}

{#- Unix time as exports write it (event logs, analytics exports such as GA4's microsecond
    event_timestamp): seconds (9 or 10 digits, optionally a fraction), milliseconds (12 or
    13) or microseconds (15 or 16), for 1973 to 2286. Digits alone are never a date the
    timestamp parser would read. -#}
{% macro epoch_text_pattern() %}[0-9]{9,10}([.][0-9]{1,6})?|[0-9]{12,13}|[0-9]{15,16}{% endmacro %}

{#- Microseconds since 1970-01-01 UTC of epoch text matching epoch_text_pattern(). -#}
{% macro epoch_text_micros(expression) %}
    case
        when {{ expression }} like '%.%' or length({{ expression }}) <= 10
            then cast(round(cast({{ expression }} as {{ type_double() }}) * 1000000) as {{ dbt.type_bigint() }})
        when length({{ expression }}) <= 13
            then cast({{ expression }} as {{ dbt.type_bigint() }}) * 1000
        else cast({{ expression }} as {{ dbt.type_bigint() }})
    end
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
