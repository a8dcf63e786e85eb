-- Where each customer's money goes, by top-level category: net spend (purchases minus
-- returns), its share of the customer's net spend, and the rank of the category. A long
-- table rather than a column per category, so it fits any catalogue's taxonomy.
with purchases as (
    select user_id, item_id, order_id, event_type, line_amount
    from {{ ref('int_events_weighted') }}
    where user_id is not null and event_type in ('purchase', 'return')
),

items as (
    select item_id, category_top from {{ ref('dim_items') }}
),

by_category as (
    select
        purchases.user_id,
        items.category_top,
        sum(purchases.line_amount) as net_spend,
        count(distinct case when purchases.event_type = 'purchase' then purchases.order_id end)
            as order_count
    from purchases
    inner join items
        on purchases.item_id = items.item_id
    group by purchases.user_id, items.category_top
),

final as (
    select
        user_id,
        category_top,
        net_spend,
        order_count,
        -- Shares of positive spend only: a category with net refunds has no share.
        case when net_spend > 0 then net_spend / sum(case when net_spend > 0 then net_spend end)
            over (partition by user_id) else 0 end as spend_share,
        cast(row_number() over (
            partition by user_id order by net_spend desc, category_top
        ) as {{ dbt.type_bigint() }}) as spend_rank
    from by_category
)

select * from final
