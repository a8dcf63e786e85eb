{#- The ranker's list for one protocol: the candidates of `scores` (int_ranker_scores or its
    replay) under the rules every recommender shares, best score first. repeats_allowed keeps
    bought repeatable items; new_items was scored on never-bought candidates only.
    With `features` (the scored features table), each row also says which source or feature
    explains it best, for the reason the final list prints (reason_algorithm):
    a bought item → buy_again ("You buy this about every N days"); an item similar to the
    customer's last order → item_cf ("Often bought with X"); else the source that ranked it
    highest (ties in a fixed order), and 'ranker' when no source retrieved it.
    Called by models recommendations_ranker, recommendations_new_items and the evaluation's
    eval_recommendations_ranker(_new_items). -#}
{% macro recommend_from_ranker(scores, protocol, items, interactions, n, features=none) %}
{%- set sources = ['item_cf', 'ease', 'svd', 'user_cf', 'content', 'popularity'] %}
with candidates as (
    select user_id, item_id, score
    from {{ scores }}
    where protocol = '{{ protocol }}'
),

ranked as (
    {{ rank_recommendations('candidates', 'ranker', items, interactions, n,
                            repeat_purchases=(protocol == 'repeats_allowed'),
                            positive_scores_only=false) }}
),

final as (
    {%- if features is none %}
    select user_id, item_id, score, rank, algorithm from ranked
    {%- else %}
    select
        ranked.user_id,
        ranked.item_id,
        ranked.score,
        ranked.rank,
        ranked.algorithm,
        case
            when features.pair_bought = 1 then 'buy_again'
            when features.pair_last_order_similarity > 0 then 'item_cf'
            {%- for source in sources %}
            when features.{{ source }}_rank is not null
                {%- for other in sources if other != source %}
                and features.{{ source }}_rank <= coalesce(features.{{ other }}_rank, features.{{ source }}_rank)
                {%- endfor %}
                then '{{ source }}'
            {%- endfor %}
            else 'ranker'
        end as reason_algorithm
    from ranked
    inner join {{ features }} as features
        on ranked.user_id = features.user_id
        and ranked.item_id = features.item_id
    {%- endif %}
)

select * from final
{% endmacro %}
