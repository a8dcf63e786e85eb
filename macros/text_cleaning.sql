{#- Trimmed text, with blanks as NULL. -#}
{% macro clean_text(expression) %}
    nullif(trim({{ expression }}), '')
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
