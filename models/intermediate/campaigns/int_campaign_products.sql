-- The products each campaign would show each customer: the first product_count items of the
-- list the campaign's recommender made, with catalogue names and prices.
with campaigns as (
    select campaign_id, recommender, product_count from {{ ref('campaigns') }}
),

recommendation_lists as (
    select 'hybrid' as recommender, user_id, item_id, rank from {{ ref('recommendations') }}
    union all
    select 'new_items', user_id, item_id, rank from {{ ref('recommendations_new_items') }}
    {%- for algorithm in ['item_cf', 'user_cf', 'content', 'popularity', 'buy_again', 'svd', 'ease', 'ranker'] %}
    union all
    select '{{ algorithm }}', user_id, item_id, rank
    from {{ ref('recommendations_' ~ algorithm) }}
    {%- endfor %}
),

items as (
    select item_id, name, category_top, price from {{ ref('dim_items') }}
),

final as (
    select
        campaigns.campaign_id,
        recommendation_lists.user_id,
        recommendation_lists.rank as product_position,
        recommendation_lists.item_id,
        items.name as item_name,
        items.category_top,
        items.price
    from campaigns
    inner join recommendation_lists
        on campaigns.recommender = recommendation_lists.recommender
        and recommendation_lists.rank <= campaigns.product_count
    inner join items
        on recommendation_lists.item_id = items.item_id
)

select * from final
