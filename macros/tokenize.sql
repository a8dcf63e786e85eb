{#- Split a text column into one row per lower-cased token, keeping the row's key: returns
    `select <key_column>, token from <relation>`. Words are the runs of letters, digits and
    combining marks (any script: a Thai or Hindi vowel sign is part of its word), so
    punctuation, spaces and '>' separators all split. Chinese, Japanese and Thai write no
    spaces between words, so a run of those scripts (macro unspaced_script_class) is split
    from its neighbours and becomes its overlapping character pairs ('陶瓷杯': '陶瓷', '瓷杯'),
    as search engines index them (Lucene's CJK bigrams); a single such character stays a
    token. Empty tokens can appear at the edges of the text and are the caller's to drop with
    its length rule. Splitting a string into rows has no cross-database form, hence the
    dispatched split_words and word_pair_starts. -#}
{% macro tokenize(relation, key_column, text_column) %}
    {%- set words = '(' ~ adapter.dispatch('split_words', 'retail_recs')(relation, key_column, text_column) ~ ') as words' %}
    select {{ key_column }}, word as token
    from {{ words }}
    where not {{ matches_unspaced_script('word') }}
    union all
    select {{ key_column }}, substr(word, pair_start, 2) as token
    from (
        {{ adapter.dispatch('word_pair_starts', 'retail_recs')(words, key_column) }}
    ) as word_pairs
{% endmacro %}

{#- `select <key_column>, word from <relation>`: one row per word of the lower-cased text,
    runs of the unspaced scripts set apart by spaces first. -#}
{% macro duckdb__split_words(relation, key_column, text_column) %}
    select
        {{ key_column }},
        unnest(string_split_regex(
            regexp_replace(lower({{ text_column }}), '({{ unspaced_script_class() }}+)', ' \1 ', 'g'),
            '[^\p{L}\p{N}\p{M}]+'
        )) as word
    from {{ relation }}
{% endmacro %}

{#- Spark string literals unescape backslashes, so the classes are written with doubled ones. -#}
{% macro spark__split_words(relation, key_column, text_column) %}
    select
        {{ key_column }},
        explode(split(
            regexp_replace(lower({{ text_column }}), '({{ unspaced_script_class() }}+)', ' $1 '),
            '[^\\p{L}\\p{N}\\p{M}]+'
        )) as word
    from {{ relation }}
{% endmacro %}

{% macro default__split_words(relation, key_column, text_column) %}
    {{ exceptions.raise_compiler_error(
        "retail_recs: tokenize() has versions for DuckDB and Spark only; add "
        ~ adapter.type() ~ "__split_words and " ~ adapter.type() ~ "__word_pair_starts macros"
        ~ " (one row per lower-cased word of " ~ text_column ~ " with its " ~ key_column
        ~ "; one row per start of a character pair in such a word)."
    ) }}
{% endmacro %}

{#- `select <key_column>, word, pair_start` over the words of the unspaced scripts in `words`:
    one row per character pair's start, 1 to length - 1 (1 alone for a single character). -#}
{% macro duckdb__word_pair_starts(words, key_column) %}
    select
        {{ key_column }},
        word,
        cast(unnest(range(1, greatest(length(word), 2))) as {{ dbt.type_int() }}) as pair_start
    from {{ words }}
    where {{ matches_unspaced_script('word') }}
{% endmacro %}

{% macro spark__word_pair_starts(words, key_column) %}
    select
        {{ key_column }},
        word,
        explode(sequence(1, greatest(length(word) - 1, 1))) as pair_start
    from {{ words }}
    where {{ matches_unspaced_script('word') }}
{% endmacro %}

{#- A regex character class of the scripts written without spaces between words (Han,
    Hiragana, Katakana, Thai), in the engine's syntax: RE2 names scripts \p{Han}, Java
    \p{IsHan}. Korean spaces its words, so Hangul splits like Latin. -#}
{% macro unspaced_script_class() %}
    {{- return(adapter.dispatch('unspaced_script_class', 'retail_recs')()) -}}
{% endmacro %}

{% macro default__unspaced_script_class() -%}
    [\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]
{%- endmacro %}

{% macro spark__unspaced_script_class() -%}
    [\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsThai}]
{%- endmacro %}

{#- Whether text holds a character of macro unspaced_script_class. -#}
{% macro matches_unspaced_script(text) %}
    {{- return(adapter.dispatch('matches_unspaced_script', 'retail_recs')(text)) -}}
{% endmacro %}

{% macro default__matches_unspaced_script(text) -%}
    regexp_matches({{ text }}, '{{ unspaced_script_class() }}')
{%- endmacro %}

{% macro spark__matches_unspaced_script(text) -%}
    ({{ text }} rlike '{{ unspaced_script_class() }}')
{%- endmacro %}
