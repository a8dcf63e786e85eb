{#- Contact details: normalized here, hashed everywhere outside the pii schema. -#}

{% macro normalize_email(expression) %}
    lower({{ clean_text(expression) }})
{% endmacro %}

{% macro is_valid_email(normalized) %}
    coalesce({{ regex_matches(normalized, "[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}") }}, false)
{% endmacro %}

{#- Digits with an optional leading '+'; national formats are not converted to E.164. -#}
{% macro normalize_phone(expression) %}
    nullif({{ regex_replace_all(clean_text(expression), '[^0-9+]', '') }}, '')
{% endmacro %}

{% macro is_valid_phone(normalized) %}
    coalesce({{ regex_matches(normalized, '\\+?[0-9]{7,15}') }}, false)
{% endmacro %}

{#- Salted sha256 of a normalized, valid contact; NULL for invalid ones so they never join. -#}
{% macro hash_contact(normalized, is_valid) %}
    case when {{ is_valid }} then {{ sha256_hex(dbt.concat([salt_sql('pii'), normalized])) }} end
{% endmacro %}
