{#- The list analysts and campaigns use: every recommender's top-N fused by weighted reciprocal
    rank fusion, fused(u, i) = Σ_a weight_a / (rrf_k + rank_a(u, i)), then (when
    caps_categories) at most var retail_recs__max_items_per_category items per top-level
    category (items without a category are not capped), then the top N. Every input list
    already follows the shared rules (active items, no bought non-repeatable item), so the
    fused list does too; customers with no history have only the popularity list of their
    country, which makes it their cold-start list. Each row says which algorithm contributed
    most, which contributed at all, the anchor item behind an item-CF suggestion, and a
    plain-language reason.
    lists maps each algorithm of var retail_recs__blend_weights to its ranked list relation.
    weights is a relation of (algorithm, weight), by default the var's weights (macro
    blend_weights_relation); an algorithm without a positive weight is left out, so one
    algorithm alone gives its own list in its own order. caps_categories is a SQL boolean, so
    the model recommendations can decide both at run time (recommendation_strategy).
    explain=false leaves out the anchor and the reason (the evaluation needs only the ranks,
    and the anchor search is the costliest step on long lists). ranker_reasons (the ranker's
    list with its reason_algorithm, macro recommend_from_ranker) explains the rows the ranker
    contributed most to by the source or feature behind them.
    Called by model recommendations and by its evaluation replays. -#}
{% macro blend_recommendations(lists, items, interactions, similarity, intervals, customers, popular_items, n, explain=true, weights=none, caps_categories='true', ranker_reasons=none) %}
{%- set rrf_k = number_var('retail_recs__blend_rrf_k') %}

with ranked_lists as (
    {% for algorithm in lists %}
    select user_id, item_id, rank, '{{ algorithm }}' as algorithm
    from {{ lists[algorithm] }} as {{ algorithm }}_list
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

weights as (
    select algorithm, weight
    from {{ weights if weights is not none else blend_weights_relation() }} as weights
    where weight > 0
),

contributions as (
    select
        ranked_lists.user_id,
        ranked_lists.item_id,
        ranked_lists.algorithm,
        weights.weight / ({{ rrf_k }} + ranked_lists.rank) as contribution
    from ranked_lists
    inner join weights
        on ranked_lists.algorithm = weights.algorithm
),

-- Fused on the sum alone: a plain aggregate that spills to disk. The attribution below (which
-- algorithm contributed most, and which at all) needs an ordered string aggregate that
-- cannot spill, so it runs on the top N rows only, not on every candidate.
fused as (
    select
        user_id,
        item_id,
        -- Rounded so that parallel summation order cannot reorder ties between builds.
        round(sum(contribution), 12) as score
    from contributions
    group by user_id, item_id
),

items as (
    select item_id, name, category_top, median_repurchase_interval_days
    from {{ items }}
),

diversified as (
    select
        fused.user_id,
        fused.item_id,
        fused.score,
        items.category_top,
        cast(row_number() over (
            partition by fused.user_id, items.category_top
            order by fused.score desc, fused.item_id
        ) as {{ dbt.type_bigint() }}) as category_position
    from fused
    inner join items
        on fused.item_id = items.item_id
),

capped as (
    select *
    from (
        select
            *,
            cast(row_number() over (partition by user_id order by score desc, item_id) as {{ dbt.type_bigint() }}) as rank
        from diversified
        where category_position <= {{ number_var('retail_recs__max_items_per_category') }}
            or category_top = {{ uncategorized() }}
            or not ({{ caps_categories }})
    ) as ranked
    where rank <= {{ n }}
),

-- Each listed item's algorithms, the largest contribution first (ties by name), and the first
-- of them, the primary one: no window has to find the largest (at 10M events that window
-- cost 4 of 33 s of CPU in model recommendations).
attributions as (
    select
        user_id,
        item_id,
        {{ dbt.split_part('contributing_algorithms', "', '", 1) }} as primary_algorithm,
        contributing_algorithms
    from (
        select
            contributions.user_id,
            contributions.item_id,
            {{ dbt.listagg(
                'contributions.algorithm',
                "', '",
                'order by contributions.contribution desc, contributions.algorithm'
            ) }} as contributing_algorithms
        from capped
        inner join contributions
            on capped.user_id = contributions.user_id
            and capped.item_id = contributions.item_id
        group by contributions.user_id, contributions.item_id
    ) as listed
),

top_n as (
    select
        capped.user_id,
        capped.item_id,
        capped.rank,
        capped.score,
        capped.category_top,
        attributions.primary_algorithm,
        attributions.contributing_algorithms,
        {%- if ranker_reasons is not none %}
        case
            when attributions.primary_algorithm = 'ranker'
                then coalesce(ranker_reasons.reason_algorithm, 'ranker')
            else attributions.primary_algorithm
        end as reason_algorithm
        {%- else %}
        attributions.primary_algorithm as reason_algorithm
        {%- endif %}
    from capped
    inner join attributions
        on capped.user_id = attributions.user_id
        and capped.item_id = attributions.item_id
    {%- if ranker_reasons is not none %}
    left join {{ ranker_reasons }} as ranker_reasons
        on capped.user_id = ranker_reasons.user_id
        and capped.item_id = ranker_reasons.item_id
    {%- endif %}
),


{%- if explain %}
-- The customer's item that explains an item-CF suggestion best: max affinity × similarity.
anchors as (
    select user_id, item_id, anchor_item_id
    from (
        select
            top_n.user_id,
            top_n.item_id,
            similarity.item_id as anchor_item_id,
            cast(row_number() over (
                partition by top_n.user_id, top_n.item_id
                order by interactions.affinity * similarity.similarity desc, similarity.item_id
            ) as {{ dbt.type_bigint() }}) as anchor_rank
        from top_n
        inner join {{ similarity }} as similarity
            on top_n.item_id = similarity.similar_item_id
        inner join {{ interactions }} as interactions
            on top_n.user_id = interactions.user_id
            and similarity.item_id = interactions.item_id
        where top_n.reason_algorithm = 'item_cf'
            and interactions.affinity > 0
    ) as ranked_anchors
    where anchor_rank = 1
),

customers as (
    select user_id, country from {{ customers }}
),

country_lists as (
    select distinct country from {{ popular_items }} where scope = 'country'
),

final as (
    select
        top_n.user_id,
        top_n.rank,
        top_n.item_id,
        top_n.score,
        top_n.primary_algorithm,
        top_n.contributing_algorithms,
        anchors.anchor_item_id,
        case top_n.reason_algorithm
            when 'item_cf' then 'Often bought with '
                || coalesce(anchor_items.name, anchors.anchor_item_id, 'what you bought')
            when 'user_cf' then 'Customers with similar taste bought this'
            when 'svd' then 'Customers with similar taste bought this'
            when 'ease' then 'Goes with what you bought'
            when 'content' then 'Matches your interest in ' || items.category_top
            when 'buy_again' then coalesce(
                'You buy this about every '
                || cast(cast(round(coalesce(
                    intervals.mean_interval_days, items.median_repurchase_interval_days
                )) as {{ dbt.type_int() }}) as {{ dbt.type_string() }})
                || ' days',
                'You bought this before'
            )
            when 'popularity' then case
                when country_lists.country is not null then 'Popular in ' || customers.country
                else 'Popular with our customers'
            end
            when 'ranker' then 'Picked for you from your shopping history'
        end as reason
    from top_n
    inner join items
        on top_n.item_id = items.item_id
    left join anchors
        on top_n.user_id = anchors.user_id
        and top_n.item_id = anchors.item_id
    left join items as anchor_items
        on anchors.anchor_item_id = anchor_items.item_id
    left join {{ intervals }} as intervals
        on top_n.user_id = intervals.user_id
        and top_n.item_id = intervals.item_id
    left join customers
        on top_n.user_id = customers.user_id
    left join country_lists
        on customers.country = country_lists.country
)

{%- else %}

final as (
    select user_id, rank, item_id, score, primary_algorithm, contributing_algorithms
    from top_n
)
{%- endif %}

select * from final
{% endmacro %}
