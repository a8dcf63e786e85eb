-- The item side of content-based recommendations: TF-IDF term weights of each item's text
-- (name, description and category). A term found in many items says little about any of
-- them (idf = ln(items / items with the term)); L2 normalisation per item keeps long
-- descriptions from outweighing short ones, so a dot product of two vectors is a cosine.
-- It reads the catalogue as the source gave it (stg_items): dim_items' categories are derived
-- from these terms for uncategorised items (item_categories).
with items as (
    select item_id, name, description, category from {{ ref('stg_items') }}
),

term_counts as (
    {{ extract_item_terms('items', ['name', 'description', 'category']) }}
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
