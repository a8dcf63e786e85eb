{#- md5 of a raw row's text: each of `columns` (NULL as '<null>') joined by '|', then '|' and
    the extra fields where the row has some, so rows sent twice hash alike (row_key) and a
    row without extra fields keeps the hash it had before they were read. `prefix` qualifies
    the columns ('source_rows.'). One concat() call, not a chain of ||: on DuckDB each || builds
    an intermediate string (at 10M events the chain cost 2.6 of the hash's 3.5 s); with no
    NULL part, both engines' concat() give the text that || gives. -#}
{% macro row_text_hash(columns, prefix='') %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ prefix ~ column ~ ", '<null>')") -%}
    {%- endfor -%}
    {%- do parts.append("coalesce(" ~ dbt.concat(["'|'", prefix ~ "extra_fields"]) ~ ", '')") -%}
    {{ return(dbt.hash("concat(" ~ parts[:-1] | join(", '|', ") ~ ", " ~ parts[-1] ~ ")")) }}
{% endmacro %}
