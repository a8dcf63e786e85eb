{#- Each customer's taste as a term vector for content-based recommendations: the TF-IDF
    vectors of the items they engaged with, weighted by affinity. Items with affinity <= 0
    (mostly returned) say what the customer did not want, so they are left out. Only the top
    terms are kept: they carry the taste, and they bound the cost of scoring. The sums run on
    dense numbers for customers, items and terms, which group and sort much faster than text.
    A profile reads only its own customer's interactions, so a replay builds just the
    customers it scores (for_customers, macro only_for_customers).
    Called by model int_user_term_profiles and by its replays. -#}
{% macro build_user_term_profiles(interactions, item_terms, customers, items, for_customers=none) %}
with interactions as (
    select user_index, item_index, affinity from {{ interactions }}
    where affinity > 0
        {{- only_for_customers('user_id', for_customers) }}
),

item_terms as (
    select item_id, term, weight from {{ item_terms }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

items as (
    select item_id, item_index from {{ items }}
),

vocabulary as (
    select
        term,
        cast(row_number() over (order by term) as {{ dbt.type_bigint() }}) as term_index
    from (select distinct term from item_terms) as distinct_terms
),

indexed_item_terms as (
    select
        items.item_index,
        vocabulary.term_index,
        item_terms.weight
    from item_terms
    inner join items
        on item_terms.item_id = items.item_id
    inner join vocabulary
        on item_terms.term = vocabulary.term
),

-- Rounded to 9 decimals: brand words and the like always occur together, so their sums are
-- equal, and parallel sums would otherwise order them differently from build to build.
summed as (
    select
        interactions.user_index,
        indexed_item_terms.term_index,
        round(sum(interactions.affinity * indexed_item_terms.weight), 9) as term_score
    from interactions
    inner join indexed_item_terms
        on interactions.item_index = indexed_item_terms.item_index
    group by interactions.user_index, indexed_item_terms.term_index
),

-- term_index sorts like term, so ties break by term.
ranked as (
    select
        user_index,
        term_index,
        term_score,
        cast(row_number() over (
            partition by user_index
            order by term_score desc, term_index
        ) as {{ dbt.type_bigint() }}) as term_rank
    from summed
),

kept as (
    select * from ranked
    where term_rank <= {{ number_var('retail_recs__content_terms_per_user') }}
),

normalised as (
    select
        user_index,
        term_index,
        term_rank,
        term_score,
        term_score / sqrt(sum(term_score * term_score) over (partition by user_index)) as weight
    from kept
),

final as (
    select
        customers.user_id,
        vocabulary.term,
        normalised.term_rank,
        normalised.term_score,
        normalised.weight
    from normalised
    inner join customers
        on normalised.user_index = customers.user_index
    inner join vocabulary
        on normalised.term_index = vocabulary.term_index
)

select * from final
{% endmacro %}
