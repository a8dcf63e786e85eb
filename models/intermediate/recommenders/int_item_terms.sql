-- The item side of content-based recommendations: TF-IDF term weights of each item's text
-- (name, description and category). A term found in many items says little about any of
-- them (idf = ln(items / items with the term)); L2 normalisation per item keeps long
-- descriptions from outweighing short ones, so a dot product of two vectors is a cosine.
with items as (
    select item_id, name, description, category from {{ ref('dim_items') }}
),

stopwords as (
    select lower(word) as word from {{ ref('stopwords') }}
),

item_texts as (
    select
        item_id,
        coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(category, '')
            as item_text
    from items
),

tokens as (
    {{ tokenize('item_texts', 'item_id', 'item_text') }}
),

-- Short tokens, stopwords and bare numbers (sizes, quantities, years) carry no taste.
terms as (
    select
        tokens.item_id,
        tokens.token as term
    from tokens
    left join stopwords
        on tokens.token = stopwords.word
    where stopwords.word is null
        and tokens.token <> ''
        and length(tokens.token) >= {{ number_var('retail_recs__content_min_token_length') }}
        and not {{ regex_matches('tokens.token', '[0-9]+') }}
),

term_counts as (
    select
        item_id,
        term,
        count(*) as term_count
    from terms
    group by item_id, term
),

document_frequencies as (
    select
        term,
        count(*) as document_frequency
    from term_counts
    group by term
),

catalogue as (
    select count(*) as item_count from items
),

-- A term in every item has idf 0 (weight 0 everywhere), so it is left out.
idf_weighted as (
    select
        term_counts.item_id,
        term_counts.term,
        term_counts.term_count,
        document_frequencies.document_frequency,
        -- Rounded like every score here: engines' logarithms differ in the last bit.
        round(ln(
            catalogue.item_count
            / cast(document_frequencies.document_frequency as {{ type_double() }})
        ), 12) as idf
    from term_counts
    inner join document_frequencies
        on term_counts.term = document_frequencies.term
    cross join catalogue
    where document_frequencies.document_frequency < catalogue.item_count
),

tfidf_weighted as (
    select
        item_id,
        term,
        term_count,
        document_frequency,
        idf,
        term_count * idf as tfidf
    from idf_weighted
),

final as (
    select
        item_id,
        term,
        term_count,
        document_frequency,
        idf,
        tfidf,
        round(tfidf / sqrt(sum(tfidf * tfidf) over (partition by item_id)), 12) as weight
    from tfidf_weighted
)

select * from final
