{#- Content-based recommendations: items whose text matches what the customer engaged with,
    score = Σ over terms of profile weight × item weight (a cosine of two TF-IDF vectors), so
    they work for new and rarely bought items that collaborative filtering cannot reach. Each
    term brings only var('retail_recs__content_items_per_term') active items: without the cap
    a common term would pair every profile holding it with every item that has it. They are
    the items with the highest weight × ln(2 + purchasers): among the many items a common
    word describes, those customers buy, while the logarithm still gives an unbought item
    with a strong weight its place (ln 2 against ln 3 for one purchaser). The score stays the
    cosine. Inactive items are left out before the cap so they take no places in it. The
    sums run on the dense indexes, which join and sort much faster than the text ids.
    Called by macro gather_ranker_sources (whose rows recommendations_content and its replay
    take) and by the new-items replay (for_customers: the evaluated customers only, macro
    only_for_customers). -#}
{% macro recommend_content(profiles, item_terms, customers, items, interactions, n, repeat_purchases=true, for_customers=none) %}
with profiles as (
    select user_id, term, weight from {{ profiles }}
    where true
        {{- only_for_customers('user_id', for_customers) }}
),

item_terms as (
    select item_id, term, weight from {{ item_terms }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

items as (
    select item_id, item_index, is_active, purchaser_count from {{ items }}
),

indexed_profiles as (
    select
        customers.user_index,
        profiles.term,
        profiles.weight
    from profiles
    inner join customers
        on profiles.user_id = customers.user_id
),

active_item_terms as (
    select
        items.item_index,
        item_terms.term,
        item_terms.weight,
        cast(row_number() over (
            partition by item_terms.term
            order by item_terms.weight * ln(2 + items.purchaser_count) desc, items.item_index
        ) as {{ dbt.type_bigint() }}) as term_item_rank
    from item_terms
    inner join items
        on item_terms.item_id = items.item_id
    where items.is_active
),

capped as (
    select item_index, term, weight from active_item_terms
    where term_item_rank <= {{ number_var('retail_recs__content_items_per_term') }}
),

-- Rounded to 9 decimals: items that differ only in terms outside the profile score the same,
-- and parallel sums would otherwise order them differently from build to build.
scored_indexes as (
    select
        indexed_profiles.user_index,
        capped.item_index,
        round(sum(indexed_profiles.weight * capped.weight), 9) as score
    from indexed_profiles
    inner join capped
        on indexed_profiles.term = capped.term
    group by indexed_profiles.user_index, capped.item_index
),

scored as (
    {{ shortlist_by_index('scored_indexes', customers, items, interactions, n) }}
),

final as (
    {{ rank_recommendations('scored', 'content', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
