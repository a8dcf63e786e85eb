{#- Trimmed text, with blanks as NULL. -#}
{% macro clean_text(expression) %}
    nullif(trim({{ expression }}), '')
{% endmacro %}

{#- An id as text: trimmed, blank as NULL, and a whole number written as a float ('17850.0',
    as pandas writes an integer column with gaps and a DOUBLE column casts to text) read as the
    integer ('17850'), so that it matches the same id in a file that wrote it plainly; so is
    one in scientific notation ('1.2345678E7', as Spark casts a DOUBLE of 10 million or more
    to text and spreadsheets write long numbers). The LIKE guards keep the regular
    expressions off ordinary ids, which have no point (10M events, three id columns: 1.85 s,
    against 1.73-1.88 s for the guard of whole numbers alone). -#}
{% macro clean_id(expression) %}
    {%- set text = clean_text(expression) -%}
    case
        when {{ text }} like '%.%' then
            case
                when {{ text }} like '_.%E%' or {{ text }} like '_.%e+%' then {{ scientific_whole_number_id(text) }}
                when {{ text }} like '%.%0' then {{ regex_replace_anchored(text, '^([0-9]+)[.]0+$', '\\1') }}
                else {{ text }}
            end
        else {{ text }}
    end
{% endmacro %}

{#- text in scientific notation with one digit before the point ('1.2345678E7', '1.5e+10') as
    the whole number it is, below 10^15 where a double holds every integer; other text as it
    is ('3.5E-1', '1.5E3X'). -#}
{% macro scientific_whole_number_id(text) %}
    {%- set number = dbt.safe_cast(text, type_double()) -%}
    case
        when {{ regex_matches(text, '[0-9][.][0-9]+[Ee][+]?[0-9]{1,2}') }}
            and {{ number }} = floor({{ number }}) and {{ number }} < 1e15
            then cast(cast({{ number }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        else {{ text }}
    end
{% endmacro %}

{#- Common spellings of booleans in exports ('true', 'Y', '1', 'no', ...); anything else is NULL. -#}
{% macro parse_boolean(expression) %}
    case
        when lower(trim({{ expression }})) in ('true', 't', 'yes', 'y', '1') then true
        when lower(trim({{ expression }})) in ('false', 'f', 'no', 'n', '0') then false
    end
{% endmacro %}

{#- An id compared loosely (upper case, no spaces): only to count near-misses, never to join. -#}
{% macro loose_id(expression) %}
    upper(replace({{ expression }}, ' ', ''))
{% endmacro %}
