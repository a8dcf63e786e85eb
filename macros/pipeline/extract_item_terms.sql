{#- The terms of each item's text: `text_columns` of `items` joined by spaces, lower-cased and
    tokenized (macro tokenize), without stopwords (seed stopwords), tokens shorter than var
    retail_recs__content_min_token_length, or bare numbers (sizes, quantities and years carry
    no taste). One row per item and term, with the term's count in the text.
    Called by int_item_terms (name, description, category: content recommendations) and
    int_item_description_terms (name and description: the category classifier's evidence,
    which must not contain the category it predicts). -#}
{% macro extract_item_terms(items, text_columns) %}
with extract_items as (
    select item_id, {{ text_columns | join(', ') }} from {{ items }}
),

stopwords as (
    select lower(word) as word from {{ ref('stopwords') }}
),

item_texts as (
    select
        item_id,
        {% for column in text_columns -%}
        coalesce({{ column }}, ''){{ " || ' ' || " if not loop.last }}
        {%- endfor %} as item_text
    from extract_items
),

tokens as (
    {{ tokenize('item_texts', 'item_id', 'item_text') }}
),

terms as (
    select
        tokens.item_id,
        tokens.token as term
    from tokens
    left join stopwords
        on tokens.token = stopwords.word
    where stopwords.word is null
        and tokens.token <> ''
        -- A pair of Chinese, Japanese or Thai characters is a word, however short.
        and (
            length(tokens.token) >= {{ number_var('retail_recs__content_min_token_length') }}
            or {{ matches_unspaced_script('tokens.token') }}
        )
        and not {{ regex_matches('tokens.token', '[0-9]+') }}
)

select
    item_id,
    term,
    count(*) as term_count
from terms
group by item_id, term
{% endmacro %}
