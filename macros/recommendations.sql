{#- The business rules every recommender shares, applied to a relation of candidate
    (user_id, item_id, score) rows: only active catalogue items (non-products never reach
    dim_items), no item the customer already bought unless it is repeatable (and
    repeat_purchases is true: the evaluation's new-items protocol sets it false), then the top n
    per customer by score (ties by item_id; every eligible candidate when n is none). items
    and interactions are the catalogue and the interaction matrix of the period (dim_items and
    fct_interactions, or their replay).
    Scores of 0 or less mean "no evidence" and are dropped unless positive_scores_only is
    false (SVD scores are dot products and may be negative yet still the best available).
    Returns a select with the common columns: user_id, item_id, score, rank, algorithm. -#}
{% macro rank_recommendations(candidates, algorithm, items, interactions, n, repeat_purchases=true, positive_scores_only=true) %}
    select
        user_id,
        item_id,
        score,
        rank,
        '{{ algorithm }}' as algorithm
    from (
        select
            candidates.user_id,
            candidates.item_id,
            candidates.score,
            cast(row_number() over (
                partition by candidates.user_id
                order by candidates.score desc, candidates.item_id
            ) as {{ dbt.type_bigint() }}) as rank
        from {{ candidates }} as candidates
        inner join {{ items }} as items
            on candidates.item_id = items.item_id
        left join {{ interactions }} as bought
            on candidates.user_id = bought.user_id
            and candidates.item_id = bought.item_id
            and bought.has_purchased
        where items.is_active
            and (bought.user_id is null{% if repeat_purchases %} or items.is_repeatable{% endif %})
            {% if positive_scores_only %}and candidates.score > 0{% endif %}
    ) as ranked
    {%- if n is not none %}
    where rank <= {{ n }}
    {%- endif %}
{% endmacro %}

{#- Cut scored candidates, keyed by dense indexes (user_index, item_index, score), to what
    rank_recommendations can use, and map them to ids. That macro drops nothing but inactive
    items, the customer's purchased items and scores <= 0, so the best N + (items the
    customer purchased) by score hold its whole result; item_index sorts like item_id, so ties
    break the same way. Cutting on integers first keeps the sort on text ids to a few rows per
    customer. Callers must leave inactive items out of the candidates for this to be exact. -#}
{% macro shortlist_by_index(scored_indexes, customers, items, interactions, n) %}
    select
        customers.user_id,
        items.item_id,
        shortlisted.score
    from (
        select
            candidates.user_index,
            candidates.item_index,
            candidates.score,
            cast(row_number() over (
                partition by candidates.user_index
                order by candidates.score desc, candidates.item_index
            ) as {{ dbt.type_bigint() }}) as score_rank,
            {{ n }}
                + coalesce(purchased.purchased_item_count, 0) as shortlist_size
        from {{ scored_indexes }} as candidates
        left join (
            select user_index, count(*) as purchased_item_count
            from {{ interactions }}
            where has_purchased
            group by user_index
        ) as purchased
            on candidates.user_index = purchased.user_index
    ) as shortlisted
    inner join {{ customers }} as customers
        on shortlisted.user_index = customers.user_index
    inner join {{ items }} as items
        on shortlisted.item_index = items.item_index
    where shortlisted.score_rank <= shortlisted.shortlist_size
{% endmacro %}

{#- `and <column> in (the customers of for_customers)`, or nothing when for_customers is none:
    the evaluation scores a sample of customers (eval_truth), so its replays compute only
    their lists, while the models they read (similarity, neighbours, factors) still learn from
    every customer. Goes in a where clause of the recommender's per-customer input. -#}
{% macro only_for_customers(column, for_customers) %}
    {%- if for_customers is not none %}
        and {{ column }} in (select user_id from {{ for_customers }})
    {%- endif %}
{% endmacro %}
