{#- Items to buy again: what the customer bought before, scored by how often they bought it,
    how recently, and how often customers in general re-buy it:
        score = orders · 0.5^(days since last order / var retail_recs__buy_again_half_life_days)
                · (repurchasers + 1) / (purchasers + 2)
    The last factor is the item's repurchase rate, Laplace-smoothed so an item with few
    buyers is neither certain nor impossible. Chosen by the offline evaluation (README,
    "Offline evaluation"): it beat a per-customer "due date" score by 0.06 NDCG@10 on Online
    Retail. Only repeatable items survive the shared ranking rules.
    Called by macro gather_ranker_sources (whose rows recommendations_buy_again and its
    replay take) and by the new-items replay (for_customers: the evaluated customers only,
    macro only_for_customers). -#}
{% macro recommend_buy_again(intervals, items, interactions, as_of, n, repeat_purchases=true, for_customers=none) %}
with intervals as (
    select * from {{ intervals }}
    where true
        {{- only_for_customers('user_id', for_customers) }}
),

items as (
    select item_id, purchaser_count, repurchaser_count from {{ items }}
),

as_of as (
    select {{ as_of }} as as_of_at
),

scored as (
    select
        intervals.user_id,
        intervals.item_id,
        -- Rounded so that rebuilds break near-ties the same way.
        round(
            intervals.order_count
            * {{ time_decay(
                days_between('intervals.last_ordered_at', 'as_of.as_of_at'),
                number_var('retail_recs__buy_again_half_life_days')) }}
            * cast(items.repurchaser_count + 1 as {{ type_double() }}) / (items.purchaser_count + 2),
            12
        ) as score
    from intervals
    inner join items
        on intervals.item_id = items.item_id
    cross join as_of
),

final as (
    {{ rank_recommendations('scored', 'buy_again', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
