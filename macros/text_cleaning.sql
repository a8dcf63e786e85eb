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

{#- Yes and no as exports spell them: booleans ('true', 'Y', '1', 'no'), in German, French,
    Spanish and Nordic shop systems ('ja', 'non', 'nej'), a product's status (Shopify's
    'active', 'draft' and 'archived'; 'enabled', 'published', 'discontinued') and a
    subscription's ('subscribed', 'opted out'); any case, padded. Anything else is NULL, and
    build_warnings counts such values as unread_yes_no_values. -#}
{% macro parse_boolean(expression) %}
    case
        when lower(trim({{ expression }})) in ({{ yes_spellings() }}) then true
        when lower(trim({{ expression }})) in ({{ no_spellings() }}) then false
    end
{% endmacro %}

{% macro yes_spellings() -%}
    'true', 't', 'yes', 'y', '1', 'on', 'ja', 'j', 'oui', 'si', 'sí', 'active', 'enabled',
    'published', 'visible', 'subscribed', 'opted in', 'opted-in', 'opt-in'
{%- endmacro %}

{% macro no_spellings() -%}
    'false', 'f', 'no', 'n', '0', 'off', 'nein', 'non', 'nej', 'inactive', 'disabled',
    'draft', 'archived', 'unpublished', 'hidden', 'discontinued', 'deleted', 'unsubscribed',
    'opted out', 'opted-out', 'opt-out'
{%- endmacro %}

{#- Whether every one of columns (SQL expressions, any type) is NULL or blank: a spreadsheet's
    empty row, which a CSV export writes as a line of delimiters (',,,,'), or an all-NULL
    record. Callers list every field of the raw row, extra_fields too, with the column that
    is most often filled first (the rest are read only where it is blank); rule 'blank_row'
    of seed rejection_reasons names such rows before any other. -#}
{% macro is_blank_row(columns) %}
    (
    {%- for column in columns %}
        {{ clean_text('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }} is null
        {%- if not loop.last %} and {% endif %}
    {%- endfor %}
    )
{% endmacro %}

{#- Whether a row is its file's header line again, as exports concatenated with their headers
    (`cat` of monthly files) repeat it: each of columns (SQL text expressions of key contract
    columns every input of the source has) holds a title of a contract column, loosely (macro
    contract_column_titles: 'Event ID' after a byte-order mark, 'SKU'). Any column's title,
    not only its own, so that a later file's header in another column order is named too.
    Rule 'repeated_header' of seed rejection_reasons. -#}
{% macro is_repeated_header(source_name, columns) %}
    {%- set names = [] -%}
    {%- for title in contract_column_titles(source_name) if "'" ~ title ~ "'" not in names -%}
        {%- do names.append("'" ~ title ~ "'") -%}
    {%- endfor -%}
    (
    {%- for column in columns %}
        coalesce({{ regex_replace_all('lower(' ~ column ~ ')', '[^a-z0-9]', '') }} in ({{ names | join(', ') }}), false)
        {%- if not loop.last %} and {% endif %}
    {%- endfor %}
    )
{% endmacro %}

{#- An id compared loosely (upper case, no spaces, no leading zeros, which a spreadsheet drops
    from a SKU or customer number it takes for a number: '00123' as '123'): only to count
    near-misses, never to join. -#}
{% macro loose_id(expression) %}
    {{ regex_replace_anchored('upper(replace(' ~ expression ~ ", ' ', ''))", '^0+', '') }}
{% endmacro %}
