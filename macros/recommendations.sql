{#- The business rules every recommender shares, applied to a relation of candidate
    (user_id, item_id, score) rows: only active catalogue items (non-products never reach
    dim_items), no item the customer already bought unless it is repeatable, then the top
    var('retail_recs__recommendations_per_user') per customer by score (ties by item_id).
    Scores of 0 or less mean "no evidence" and are dropped unless positive_scores_only is
    false (SVD scores are dot products and may be negative yet still the best available).
    Returns a select with the common columns: user_id, item_id, score, rank, algorithm. -#}
{% macro rank_recommendations(candidates, algorithm, positive_scores_only=true) %}
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
            row_number() over (
                partition by candidates.user_id
                order by candidates.score desc, candidates.item_id
            ) as rank
        from {{ candidates }} as candidates
        inner join {{ ref('dim_items') }} as items
            on candidates.item_id = items.item_id
        left join {{ ref('fct_interactions') }} as bought
            on candidates.user_id = bought.user_id
            and candidates.item_id = bought.item_id
            and bought.has_purchased
        where items.is_active
            and (bought.user_id is null or items.is_repeatable)
            {% if positive_scores_only %}and candidates.score > 0{% endif %}
    ) as ranked
    where rank <= {{ var('retail_recs__recommendations_per_user') }}
{% endmacro %}
