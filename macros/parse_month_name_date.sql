{#- A date written with an English month name, as ERP, web-server, e-mail and browser exports
    write them: '01-Mar-2024 10:00' and '05-MAR-24 10.05.00.500000 AM' (spreadsheets, Oracle,
    SAP), '1 March 2024', '01/Mar/2024:10:00:00 +0000' (a web server's access log),
    'Fri, 01 Mar 2024 10:00:00 GMT' (e-mail and HTTP headers), 'March 1, 2024 2:05 PM' and
    'Fri Mar 01 2024 10:00:00 GMT+0100 (Central European Time)' (JavaScript). The name says
    which number is the month, so the column's date order plays no part. -#}

{#- Whether text may name a month: a letter or separator third, where ISO dates, Unix time and
    compact dates have a digit. It spares the other rows the patterns. -#}
{% macro may_name_a_month(text) %}
    (substr({{ text }}, 3, 1) not between '0' and '9')
{% endmacro %}

{#- A month-name date, day first, as one anchored pattern whose groups are
    month_name_date_part_names; an optional weekday leads. The time of day may use dots
    (Oracle) and follow a colon (access logs); the zone is Z, UTC, GMT or an offset,
    optionally after UTC or GMT, and a zone name in brackets (JavaScript) is ignored. -#}
{% macro month_name_date_pattern() -%}
    ^(?:[A-Za-z]{3,9}[.,]? +)?([0-9]{1,2})(?:st|nd|rd|th)?[ ./-]([A-Za-z]{3,9})[.]?[ ./-] *([0-9]{4}|[0-9]{2})
    {{- '(?:(?:,? +(?:at +)?|T|:)([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2}(?:[.][0-9]{1,6})?))? *([AaPp][Mm])?)?' -}}
    {{- '(?: *([Zz]|UTC|GMT|(?:UTC|GMT)?[+-][0-9]{2}:?[0-9]{2}))?(?: +[(][^)]*[)])?$' -}}
{%- endmacro %}

{% macro month_name_date_part_names() %}
    {{ return(['day', 'month_name', 'year', 'hour', 'minute', 'seconds', 'meridiem', 'zone']) }}
{% endmacro %}

{#- A month-name date (see above) as ISO text with its offset, '2024-03-01 10:00:00+01:00',
    for the timestamp parser; NULL where text is none or its name is no English month. The
    text and its parts are each written once (bind_value): Spark stores a view's SQL, and
    its metastore holds no more than 32,700 characters of it. -#}
{% macro month_name_date_as_iso(text) %}
    {%- set parts = {} -%}
    {%- for name in month_name_date_part_names() -%}
        {%- do parts.update({name: 'date_parts.' ~ name}) -%}
    {%- endfor -%}
    {{ bind_value(month_first_as_day_first(text), 'date_text', bind_value(
        regex_extract_struct('date_text', month_name_date_pattern(), month_name_date_part_names()),
        'date_parts',
        iso_from_month_name_parts(parts)
    )) }}
{% endmacro %}

{#- text with a leading month name and day ('Mar 1, 2024', 'Fri Mar 01 2024', 'March 1st,
    2024') turned day first ('1 Mar 2024'); other text as it is. -#}
{% macro month_first_as_day_first(text) %}
    {{ regex_replace_anchored(
        text,
        '^(?:[A-Za-z]{3,9}[.,]? +)?([A-Za-z]{3,9})[.]? +([0-9]{1,2})(?:st|nd|rd|th)?,? +([0-9]{4})',
        '\\2 \\1 \\3'
    ) }}
{% endmacro %}

{#- ISO text from the parts (name to SQL text, '' where a group took no part) through
    iso_from_date_parts, with the day first and the month's number for its name; an
    unmatched text has no day and gives NULL. -#}
{% macro iso_from_month_name_parts(parts) %}
    {%- set date_parts = {
        'first_number': "nullif(" ~ parts.day ~ ", '')",
        'second_number': month_number(parts.month_name),
        'year': "nullif(" ~ parts.year ~ ", '')",
        'hour': parts.hour,
        'minute': parts.minute,
        'seconds': parts.seconds,
        'meridiem': parts.meridiem,
    } -%}
    {{ dbt.concat([iso_from_date_parts(date_parts, 'true'), utc_offset_text(parts.zone)]) }}
{% endmacro %}

{#- The number of an English month's name, full or in three letters ('Sept' too), any case;
    NULL for anything else. -#}
{% macro month_number(name) %}
    {%- set months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
        'september', 'october', 'november', 'december'] -%}
    case
        {%- for month in months %}
        {%- set spellings = [month[:3]] + ([month] if month | length > 3 else []) + (['sept'] if month == 'september' else []) %}
        when lower({{ name }}) in ({{ "'" ~ spellings | join("', '") ~ "'" }}) then {{ loop.index }}
        {%- endfor %}
    end
{% endmacro %}

{#- A zone as an ISO offset: '' for none, '+00:00' for Z, UTC and GMT, and '+01:00' for
    '+0100', 'GMT+0100' or 'UTC+01:00'. -#}
{% macro utc_offset_text(zone) %}
    {%- set offset = "replace(replace(upper(" ~ zone ~ "), 'UTC', ''), 'GMT', '')" -%}
    case
        when {{ zone }} = '' then ''
        when {{ offset }} in ('', 'Z') then '+00:00'
        else {{ dbt.concat(["substr(" ~ offset ~ ", 1, 3)", "':'", "substr(" ~ offset ~ ", length(" ~ offset ~ ") - 1, 2)"]) }}
    end
{% endmacro %}
