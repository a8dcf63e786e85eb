{#- Text to a UTC timestamp without time zone, NULL when unparseable. Strings with an offset
    ('2024-03-01T10:00:00+01:00', '...Z') are converted to UTC; naive strings are read as UTC;
    digits alone are Unix time in seconds, milliseconds or microseconds (epoch_text_pattern);
    a numeric date (a spreadsheet's '12/1/2010 8:26' or '01.03.2024', a compact '20240301')
    reads day first where the SQL boolean day_first is true (macro date_order decides it from
    the column); a date with an English month name ('01-Mar-2024', 'Fri, 01 Mar 2024 10:00:00
    GMT', macro month_name_date_as_iso) reads as its name says. try_cast, as the engines' own
    parsers, gives NULL for a 30 February. -#}
{% macro parse_timestamp_utc(expression, day_first='false') %}
    case
        when {{ is_numeric_date(expression) }}
            then try_cast({{ numeric_date_as_iso(expression, day_first) }} as {{ api.Column.translate_type('timestamp') }})
        when {{ may_name_a_month(expression) }}
            then {{ iso_text_as_utc(month_name_date_as_iso(expression)) }}
        else {{ adapter.dispatch('parse_timestamp_utc', 'retail_recs')(expression) }}
    end
{% endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) %}
    case
        when {{ regex_matches(expression, epoch_text_pattern()) }}
            then make_timestamp({{ epoch_text_micros(expression) }})
        else {{ iso_text_as_utc(utc_offset_joined(expression)) }}
    end
{% endmacro %}

{#- ISO text, naive or with an offset, as a UTC timestamp; NULL when it is none. -#}
{% macro iso_text_as_utc(text) %}
    {{ return(adapter.dispatch('iso_text_as_utc', 'retail_recs')(text)) }}
{% endmacro %}

{% macro duckdb__iso_text_as_utc(text) %}
    cast(timezone('UTC', try_cast({{ text }} as timestamptz)) as timestamp)
{% endmacro %}

{% macro spark__iso_text_as_utc(text) %}
    to_utc_timestamp(try_cast({{ text }} as timestamp), current_timezone())
{% endmacro %}

{% macro default__iso_text_as_utc(text) %}
    {{ dbt.safe_cast(text, api.Column.translate_type('timestamp')) }}
{% endmacro %}

{#- DuckDB reads '10:00:00+01:00' but not '10:00:00 +0100', which Ruby's Time#to_s (and so
    Shopify's CSV exports) writes, nor '10:00:00 +01'; Spark reads them. The offset is joined
    to the time, with a colon and its minutes. The LIKE guard keeps the regular expressions
    off other text. -#}
{% macro utc_offset_joined(text) %}
    case
        when {{ text }} like '% +%' or {{ text }} like '% -%'
            then regexp_replace(
                regexp_replace({{ text }}, ' ([+-][0-9]{2})$', ' \100'),
                '([0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?) ([+-][0-9]{2}):?([0-9]{2})$', '\1\4:\5'
            )
        else {{ text }}
    end
{% endmacro %}

{#- Spark's cast also reads a bare year ('12345' is the year 12345) or a year and month, which
    DuckDB's rejects: only text that starts with a whole date is cast, as on DuckDB. DuckDB
    also reads a year-first date with slashes ('2024/03/01'), which Spark's cast rejects:
    its slashes become dashes. Spark reads a time without seconds only without a zone
    ('10:00+01:00' is NULL): the seconds are written in. -#}
{% macro spark__parse_timestamp_utc(expression) %}
    to_utc_timestamp(
        case
            when {{ regex_matches(expression, epoch_text_pattern()) }}
                then timestamp_micros({{ epoch_text_micros(expression) }})
            when {{ expression }} rlike '^[+-]?[0-9]{4,}-[0-9]{1,2}-[0-9]{1,2}([ T].*)?$'
                then try_cast(
                    regexp_replace({{ expression }}, '^([^ T]*[ T][0-9]{1,2}:[0-9]{2})([^:0-9]|$)', '$1:00$2')
                    as timestamp
                )
            when {{ expression }} rlike '^[+-]?[0-9]{4,}/[0-9]{1,2}/[0-9]{1,2}([ T].*)?$'
                then try_cast(
                    regexp_replace({{ expression }}, '^([+-]?[0-9]{4,})/([0-9]{1,2})/', '$1-$2-')
                    as timestamp
                )
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

{#- A numeric date as spreadsheets and shop back offices export it: day and month in either
    order, then a 4- or 2-digit year, separated by slashes, dots or dashes, with an optional
    time of day (seconds, a fraction, AM/PM). Groups (DuckDB extracts at most 9): 1 and 3 the
    day and month, 2 the first separator, 4 the year, 5 the hour, 6 the minute, 7 the
    seconds, 8 AM or PM. An ISO date starts with four digits and Unix time has no
    separator, so neither matches. -#}
{% macro numeric_date_pattern() -%}
    ([0-9]{1,2})([/.-])([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})(?:(?: +|T)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:[.][0-9]{1,6})?))? *([AaPp][Mm])?)?
{%- endmacro %}

{#- Whether text may be a numeric date: a separator second or third, where ISO dates and Unix
    time have digits. It spares the other rows the pattern. -#}
{% macro may_be_numeric_date(text) %}
    (substr({{ text }}, 2, 1) in ('/', '.', '-') or substr({{ text }}, 3, 1) in ('/', '.', '-'))
{% endmacro %}

{#- Group `group` of numeric_date_pattern in text ('' where it took no part, on both engines). -#}
{% macro numeric_date_part(text, group) %}
    regexp_extract({{ text }}, '^{{ numeric_date_pattern() }}$', {{ group }})
{% endmacro %}

{#- Whether text is a numeric date, a spreadsheet's (numeric_date_pattern) or a compact one
    ('20240301', '20240301143000', as analytics exports write a day). The cheap test first
    spares the other rows the patterns. -#}
{% macro is_numeric_date(text) %}
    (({{ may_be_numeric_date(text) }} and {{ regex_matches(text, numeric_date_pattern()) }})
        or (length({{ text }}) in (8, 14) and {{ regex_matches(text, '[0-9]{8}([0-9]{6})?') }}))
{% endmacro %}

{#- A numeric date (is_numeric_date) as ISO 'YYYY-MM-DD HH:MM:SS', day first where the boolean
    SQL day_first is true; the cast that follows rejects a month 13 or a 30 February. -#}
{% macro numeric_date_as_iso(text, day_first) %}
    case
        when {{ may_be_numeric_date(text) }}
            then {{ adapter.dispatch('numeric_date_parts_as_iso', 'retail_recs')(text, day_first) }}
        else {{ dbt.concat([
            "substr(" ~ text ~ ", 1, 4)", "'-'", "substr(" ~ text ~ ", 5, 2)", "'-'",
            "substr(" ~ text ~ ", 7, 2)", "' '",
            "coalesce(nullif(substr(" ~ text ~ ", 9, 2), ''), '00')", "':'",
            "coalesce(nullif(substr(" ~ text ~ ", 11, 2), ''), '00')", "':'",
            "coalesce(nullif(substr(" ~ text ~ ", 13, 2), ''), '00')",
        ]) }}
    end
{% endmacro %}

{#- The names of numeric_date_pattern's groups, in order. -#}
{% macro numeric_date_part_names() %}
    {{ return(['first_number', 'separator', 'second_number', 'year', 'hour', 'minute', 'seconds', 'meridiem']) }}
{% endmacro %}

{#- DuckDB extracts every group in one pass, as a struct that a lambda reads, instead of a
    pass of the pattern per group. -#}
{% macro duckdb__numeric_date_parts_as_iso(text, day_first) %}
    {%- set names = numeric_date_part_names() -%}
    {%- set parts = {} -%}
    {%- for name in names -%}
        {%- do parts.update({name: 'date_parts.' ~ name}) -%}
    {%- endfor -%}
    list_transform(
        [regexp_extract({{ text }}, '^{{ numeric_date_pattern() }}$', ['{{ names | join("', '") }}'])],
        lambda date_parts: {{ iso_from_date_parts(parts, day_first) }}
    )[1]
{% endmacro %}

{% macro default__numeric_date_parts_as_iso(text, day_first) %}
    {%- set parts = {} -%}
    {%- for name in numeric_date_part_names() -%}
        {%- do parts.update({name: numeric_date_part(text, loop.index)}) -%}
    {%- endfor -%}
    {{ iso_from_date_parts(parts, day_first) }}
{% endmacro %}

{#- 'YYYY-MM-DD HH:MM:SS' from the text parts of numeric_date_pattern (name to SQL). A 2-digit
    year is 2000-2068 below 69 and 1969-1999 from it, as POSIX strptime's %y. -#}
{% macro iso_from_date_parts(parts, day_first) %}
    {%- set int = dbt.type_int() -%}
    {%- set first = "cast(" ~ parts.first_number ~ " as " ~ int ~ ")" -%}
    {%- set second = "cast(" ~ parts.second_number ~ " as " ~ int ~ ")" -%}
    {%- set year = "cast(" ~ parts.year ~ " as " ~ int ~ ")" -%}
    {%- set hour = "coalesce(cast(nullif(" ~ parts.hour ~ ", '') as " ~ int ~ "), 0)" -%}
    {%- set meridiem = "upper(" ~ parts.meridiem ~ ")" -%}
    {{ dbt.concat([
        "cast(case when length(" ~ parts.year ~ ") = 4 then " ~ year ~ " when " ~ year
            ~ " < 69 then 2000 + " ~ year ~ " else 1900 + " ~ year ~ " end as "
            ~ dbt.type_string() ~ ")",
        "'-'",
        two_digits("case when " ~ day_first ~ " then " ~ second ~ " else " ~ first ~ " end"),
        "'-'",
        two_digits("case when " ~ day_first ~ " then " ~ first ~ " else " ~ second ~ " end"),
        "' '",
        two_digits("case when " ~ meridiem ~ " = 'AM' then " ~ hour ~ " % 12 when " ~ meridiem
            ~ " = 'PM' then " ~ hour ~ " % 12 + 12 else " ~ hour ~ " end"),
        "':'",
        "coalesce(nullif(" ~ parts.minute ~ ", ''), '00')",
        "':'",
        "coalesce(nullif(" ~ parts.seconds ~ ", ''), '00')",
    ]) }}
{% endmacro %}

{#- A whole number 0-99 as two digits ('07'). -#}
{% macro two_digits(number) %}
    {{- "lpad(cast(" ~ number ~ " as " ~ dbt.type_string() ~ "), 2, '0')" -}}
{% endmacro %}

{#- A one-row relation whose boolean column day_first says whether column's numeric dates in
    relation read day first: var retail_recs__date_order, or with 'auto' the column's own
    values. A first number above 12 is a day, and so is a second one the other way; the order
    with more such values wins. A column with no telling value (a shop younger than 13 days,
    or dated only on the 1st to 12th) reads dots day first, as German and Nordic exports
    write them, and slashes and dashes month first, as US spreadsheets do; build_warnings says
    date_order_assumed. Callers cross join it and pass its day_first to parse_timestamp_utc. -#}
{% macro date_order(relation, column) %}
    {%- set order = var('retail_recs__date_order') -%}
    {%- if order in ('day_first', 'month_first') -%}
        {{ return("(select " ~ ('true' if order == 'day_first' else 'false') ~ " as day_first)") }}
    {%- elif order != 'auto' -%}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__date_order must be auto, day_first or month_first, got " ~ order) }}
    {%- endif -%}
    {{ return(numeric_date_evidence(relation, column)) }}
{% endmacro %}

{#- One row: how many of column's values in relation start as numeric dates, how many of
    those tell day first or month first, and the order macro date_order reads from them
    (auto). Only the first two numbers matter, so only they are extracted (the whole pattern
    took 25 s instead of 2 s for 10M dates). -#}
{% macro numeric_date_evidence(relation, column) %}
    (select
        numeric_dates,
        day_first_dates,
        month_first_dates,
        case
            when day_first_dates <> month_first_dates then day_first_dates > month_first_dates
            else 2 * dotted_dates > numeric_dates
        end as day_first
    from (
        select
            count(*) as numeric_dates,
            coalesce(sum(case when first_number > 12 and second_number <= 12 then 1 else 0 end), 0)
                as day_first_dates,
            coalesce(sum(case when second_number > 12 and first_number <= 12 then 1 else 0 end), 0)
                as month_first_dates,
            coalesce(sum(case when separator = '.' then 1 else 0 end), 0) as dotted_dates
        from (
            select
                cast(date_start.first_number as {{ dbt.type_int() }}) as first_number,
                date_start.separator,
                cast(date_start.second_number as {{ dbt.type_int() }}) as second_number
            from (
                select {{ adapter.dispatch('numeric_date_start', 'retail_recs')('date_text') }} as date_start
                from (
                    select {{ clean_text('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }} as date_text
                    from {{ relation }} as dated_rows
                ) as date_texts
                where {{ may_be_numeric_date('date_text') }}
            ) as date_starts
            where date_start.first_number <> ''
        ) as numeric_dates
    ) as counts)
{% endmacro %}

{#- The start of a numeric date in text, as a struct of text fields first_number, separator and
    second_number ('' where text does not start as one). -#}
{% macro numeric_date_start_pattern() %}^([0-9]{1,2})([/.-])([0-9]{1,2})[/.-][0-9]{2}{% endmacro %}

{% macro duckdb__numeric_date_start(text) %}
    regexp_extract({{ text }}, '{{ numeric_date_start_pattern() }}', ['first_number', 'separator', 'second_number'])
{% endmacro %}

{% macro default__numeric_date_start(text) %}
    named_struct(
        'first_number', regexp_extract({{ text }}, '{{ numeric_date_start_pattern() }}', 1),
        'separator', regexp_extract({{ text }}, '{{ numeric_date_start_pattern() }}', 2),
        'second_number', regexp_extract({{ text }}, '{{ numeric_date_start_pattern() }}', 3)
    )
{% endmacro %}
