{#- Each recommender's top n for every customer (or only those in `for_customers`, a relation
    with a user_id column) under the repeats-allowed rules (macro ranker_sources names them),
    plus every repeatable item the customer bought (source 'repurchase', no rank): one narrow
    row per customer, item and source, which gather_ranker_candidates fuses and pivots. The
    inputs are one period's tables (production, or a replay as of its cutoff), so the same
    lists come out at any cutoff. A table of its own so that the recommenders and the pivot
    never hold memory at the same time (at 10M events they did not fit in 7 GiB together).
    The published per-algorithm lists are the top of these rows (macro take_source_list), so
    n may exceed the ranker's depth (macro ranker_source_depth).
    Called by models int_ranker_sources, eval_ranker_sources and eval_train_ranker_sources. -#}
{% macro gather_ranker_sources(interactions, items, customers, similarity, neighbours, profiles, item_terms, popular_items, intervals, svd_candidates, ease_candidates, as_of, n, for_customers=none) %}
{%- set lists = {
    'item_cf': recommend_item_cf(interactions=interactions, items=items, similarity=similarity, customers=customers, n=n, for_customers=for_customers),
    'user_cf': recommend_user_cf(neighbours=neighbours, interactions=interactions, customers=customers, items=items, n=n, for_customers=for_customers),
    'content': recommend_content(profiles=profiles, item_terms=item_terms, customers=customers, items=items, interactions=interactions, n=n, for_customers=for_customers),
    'svd': recommend_from_candidates(candidates=svd_candidates, algorithm='svd', customers=customers, items=items, interactions=interactions, n=n, positive_scores_only=false),
    'ease': recommend_from_candidates(candidates=ease_candidates, algorithm='ease', customers=customers, items=items, interactions=interactions, n=n),
    'buy_again': recommend_buy_again(intervals=intervals, items=items, interactions=interactions, as_of=as_of, n=n, for_customers=for_customers),
    'popularity': recommend_popularity(customers=customers, popular_items=popular_items, items=items, interactions=interactions, n=n, for_customers=for_customers),
} %}
{%- if lists.keys() | list != ranker_sources() %}
    {{ exceptions.raise_compiler_error("gather_ranker_sources must list the sources of macro ranker_sources") }}
{%- endif %}
with source_rows as (
    {%- for source, list_sql in lists.items() %}
    select user_id, item_id, '{{ source }}' as source, rank, score
    from ({{ list_sql }}) as {{ source }}_list
    union all
    {%- endfor %}
    -- Every repeatable item the customer bought, whether or not a source retrieved it.
    select
        bought.user_id,
        bought.item_id,
        'repurchase' as source,
        cast(null as {{ dbt.type_bigint() }}) as rank,
        cast(null as {{ type_double() }}) as score
    from {{ interactions }} as bought
    inner join {{ items }} as items
        on bought.item_id = items.item_id
    where bought.has_purchased
        and items.is_active
        and items.is_repeatable
),

wanted_rows as (
    select source_rows.*
    from source_rows
    {%- if for_customers is not none %}
    inner join (select distinct user_id from {{ for_customers }}) as wanted
        on source_rows.user_id = wanted.user_id
    {%- endif %}
)

select * from wanted_rows
{% endmacro %}


{#- The ranker's retrieval sources, in the order of their columns. -#}
{% macro ranker_sources() %}
    {{ return(['item_cf', 'user_cf', 'content', 'svd', 'ease', 'buy_again', 'popularity']) }}
{% endmacro %}

{#- How deep each source's list in gather_ranker_sources goes: the ranker's
    var('retail_recs__ranker_candidates_per_source'), or list_length when that is longer, since
    the published lists and the lists the final blend fuses are taken from the same rows (macro
    take_source_list). -#}
{% macro ranker_source_depth(list_length) %}
    {{ return([number_var('retail_recs__ranker_candidates_per_source'), list_length] | max) }}
{% endmacro %}
