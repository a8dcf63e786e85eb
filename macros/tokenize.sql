{#- Split a text column into one row per lower-cased token, keeping the row's key: returns
    `select <key_column>, token from <relation>`. Tokens are the runs of letters and digits
    (any script), so punctuation, spaces and '>' separators all split; empty tokens can appear
    at the edges of the text and are the caller's to drop with its length rule. Splitting a
    string into rows has no cross-database form, hence the dispatch. -#}
{% macro tokenize(relation, key_column, text_column) %}
    {{ return(adapter.dispatch('tokenize', 'retail_recs')(relation, key_column, text_column)) }}
{% endmacro %}

{% macro duckdb__tokenize(relation, key_column, text_column) %}
    select
        {{ key_column }},
        unnest(string_split_regex(lower({{ text_column }}), '[^\p{L}\p{N}]+')) as token
    from {{ relation }}
{% endmacro %}

{#- Spark string literals unescape backslashes, so the class is written with doubled ones. -#}
{% macro spark__tokenize(relation, key_column, text_column) %}
    select
        {{ key_column }},
        explode(split(lower({{ text_column }}), '[^\\p{L}\\p{N}]+')) as token
    from {{ relation }}
{% endmacro %}

{% macro default__tokenize(relation, key_column, text_column) %}
    {{ exceptions.raise_compiler_error(
        "retail_recs: tokenize() has versions for DuckDB and Spark only; add a "
        ~ adapter.type() ~ "__tokenize macro that returns one row per lower-cased token of "
        ~ text_column ~ " with its " ~ key_column ~ "."
    ) }}
{% endmacro %}
