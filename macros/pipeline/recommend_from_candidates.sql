{#- A Python recommender's candidates (dense user_index, item_index, score: SVD, EASE) under
    the rules every recommender shares. SVD scores are dot products of factors and the best
    available may be negative, so they are all kept (positive_scores_only=false); EASE
    scores of 0 or less mean no evidence.
    Called by macro gather_ranker_sources (whose rows recommendations_svd,
    recommendations_ease and their replays take) and by the new-items replays. -#}
{% macro recommend_from_candidates(candidates, algorithm, customers, items, interactions, n, repeat_purchases=true, positive_scores_only=true) %}
with candidates as (
    select
        customers.user_id,
        items.item_id,
        python_candidates.score
    from {{ candidates }} as python_candidates
    inner join {{ customers }} as customers
        on python_candidates.user_index = customers.user_index
    inner join {{ items }} as items
        on python_candidates.item_index = items.item_index
),

final as (
    {{ rank_recommendations('candidates', algorithm, items, interactions, n, repeat_purchases,
                            positive_scores_only=positive_scores_only) }}
)

select * from final
{% endmacro %}
