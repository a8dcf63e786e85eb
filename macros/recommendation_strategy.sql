{#- The blend weights of the strategy in `chosen` (a one-row relation of recommendation_strategy).
    The blend: var retail_recs__blend_weights. One algorithm alone (the learned ranker too):
    weight 1 for it and the var's weights times 1e-6 for the others, so its list comes first
    in its own order and the others only fill the places it leaves empty (a customer it has no
    list for still gets the blend's, e.g. a newcomer the popular items). Evaluated alone, the
    algorithm scored no more than its list with that backfill would: items added after the
    last place add hits only. The ranker weighs nothing unless it is the one chosen. -#}
{% macro strategy_weights(chosen) %}
    (
        select
            weights.algorithm,
            case
                when chosen.single_algorithm is null then weights.weight
                when weights.algorithm = chosen.single_algorithm then 1
                else weights.weight * 0.000001
            end as weight
        from {{ blend_weights_relation() }} as weights
        cross join {{ chosen }} as chosen
        union all
        select
            'ranker' as algorithm,
            cast(case when chosen.single_algorithm = 'ranker' then 1 else 0 end as {{ type_double() }}) as weight
        from {{ chosen }} as chosen
    )
{% endmacro %}

{#- Whether the strategy in `chosen` caps items per category, as a SQL boolean. -#}
{% macro strategy_caps_categories(chosen) %}
    coalesce((select chosen.caps_categories from {{ chosen }} as chosen), true)
{% endmacro %}
