{#- The cold-start fallback, for every customer: best sellers of the customer's country when
    it has its own list in popular_items, else the global list. The lists are three times N
    long so that items the customer already owns can be skipped.
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

scored as (
    select
        customer_scopes.user_id,
        popular.item_id,
        popular.score
    from customer_scopes
    inner join popular
        on customer_scopes.scope = popular.scope
        and customer_scopes.country = popular.country
),

final as (
    {{ rank_recommendations('scored', 'popularity', items, interactions, n, repeat_purchases) }}
)

select * from final
{% endmacro %}
