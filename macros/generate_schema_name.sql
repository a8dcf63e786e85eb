{#- Custom schemas are used as named ('pii'), not prefixed with the target schema, so access
    rules can be granted on a stable schema name. -#}
{% macro generate_schema_name(custom_schema_name, node) %}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{% endmacro %}
