{#- The cold-start fallback, for every customer: best sellers of the customer's country when
    it has its own list in popular_items, else the global list. The lists are three times N
    long so that items the customer already owns can be skipped. Each customer takes only the
    first N + (items they bought) of the list's active, positively scored items, in the order
    rank_recommendations sorts by: the rules drop no more than those bought items, so the
    list is the same, from a third of the rows (at 10M events 5.4 s → 2.9 s alone).
    Called by macro gather_ranker_sources (whose rows recommendations_popularity and its
    replay take) and by the new-items replay (for_customers: the evaluated customers only,
    macro only_for_customers). -#}
{% macro recommend_popularity(customers, popular_items, items, interactions, n, repeat_purchases=true, for_customers=none) %}
with customers as (
    select user_id, country from {{ customers }}
    where true
        {{- only_for_customers('user_id', for_customers) }}
),

popular as (
    select * from {{ popular_items }}
    where scope in ('global', 'country')
),

country_lists as (
    select distinct country from popular where scope = 'country'
),

customer_scopes as (
    select
        customers.user_id,
        case when country_lists.country is not null then 'country' else 'global' end as scope,
        coalesce(country_lists.country, 'all') as country
    from customers
    left join country_lists
        on customers.country = country_lists.country
),

eligible_popular as (
    select
        popular.scope,
        popular.country,
        popular.item_id,
        popular.score,
        row_number() over (
            partition by popular.scope, popular.country
            order by popular.score desc, popular.item_id
        ) as list_position
    from popular
    inner join {{ items }} as items
        on popular.item_id = items.item_id
    where items.is_active
        and popular.score > 0
),

purchased as (
    select user_id, count(*) as purchased_item_count
    from {{ interactions }}
    where has_purchased
    group by user_id
),

scored as (
    select
        customer_scopes.user_id,
        eligible_popular.item_id,
        eligible_popular.score
    from customer_scopes
    left join purchased
        on customer_scopes.user_id = purchased.user_id
    inner join eligible_popular
        on customer_scopes.scope = eligible_popular.scope
        and customer_scopes.country = eligible_popular.country
        and eligible_popular.list_position
            <= {{ n }} + coalesce(purchased.purchased_item_count, 0)
),

final as (
    {{ rank_recommendations('scored', 'popularity', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
