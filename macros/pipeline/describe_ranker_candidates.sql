{#- The ranker's features of each candidate (user_id, item_id) of `candidates` (macro
    gather_ranker_candidates), all as of `as_of` from one period's tables, so the same macro
    gives the training features at a past cutoff and the scoring features now (no leakage:
    nothing after `as_of` is read). `events` are that period's weighted events, `interactions`,
    `intervals`, `items`, `customers` and `similarity` its matrix, purchase intervals,
    dimensions and item similarity. `labels` (optional: a relation of user_id, item_id, as
    eval_truth) adds label = 1 for a candidate the customer bought in the label window.
    Column groups: customer_* (recency, frequency, monetary, tenure, order cadence, views,
    mean price paid per unit),
    item_* (recent purchasers, trend, repurchase share, price, days on sale), pair_* (times
    bought, days since bought, purchase interval and how due, days since last view or cart,
    affinity, category share of spend, similarity to the last order, price against the
    customer's mean price paid) and each source's rank
    and score. Called by models int_ranker_features, eval_ranker_features and
    eval_train_ranker_features. -#}
{% macro describe_ranker_candidates(candidates, events, interactions, intervals, items, customers, similarity, as_of, labels=none) %}
with cutoff as (
    select {{ as_of }} as as_of_at
),

candidates as (
    select * from {{ candidates }}
),

candidate_users as (
    select distinct user_id from candidates
),

user_events as (
    select
        events.user_id,
        events.item_id,
        events.event_type,
        events.quantity,
        events.line_amount,
        {{ basket_id('events.order_id', 'events.session_id') }} as basket_id,
        events.event_at
    from {{ events }} as events
    inner join candidate_users
        on events.user_id = candidate_users.user_id
),

orders as (
    select user_id, basket_id, min(event_at) as ordered_at
    from user_events
    where event_type = 'purchase' and basket_id is not null
    group by user_id, basket_id
),

customer_orders as (
    select
        user_id,
        count(*) as order_count,
        {{ days_between('min(ordered_at)', 'max(ordered_at)') }} as ordering_span_days
    from orders
    group by user_id
),

-- Views, and the share of bought items bought in two or more orders (a habitual re-buyer).
customer_items as (
    select
        user_id,
        sum(view_count) as view_count,
        count(case when has_purchased then 1 end) as purchased_items,
        avg(case when has_purchased then case when order_count >= 2 then 1 else 0 end end)
            as repeat_share
    from {{ interactions }}
    group by user_id
),

-- What the customer paid per unit, over every purchase: the price level they buy at. Summed
-- exactly (decimal), as category_spend below, so every build and engine divides the same two
-- numbers.
customer_prices as (
    select
        user_id,
        cast(sum(cast(line_amount as decimal(18, 4))) as {{ type_double() }})
            / cast(sum(quantity) as {{ type_double() }}) as mean_unit_price
    from user_events
    where event_type = 'purchase'
        and line_amount > 0
        and quantity > 0
    group by user_id
),

customer_features as (
    select
        customers.user_id,
        {{ days_between('customers.last_purchase_at', 'cutoff.as_of_at') }} as customer_recency_days,
        cast(customers.order_count as {{ type_double() }}) as customer_orders,
        cast(customers.net_revenue as {{ type_double() }}) as customer_monetary,
        {{ days_between('customers.first_event_at', 'cutoff.as_of_at') }} as customer_tenure_days,
        customer_orders.ordering_span_days
            / nullif(customer_orders.order_count - 1, 0) as customer_order_cadence_days,
        cast(coalesce(customer_items.view_count, 0) as {{ type_double() }}) as customer_views,
        cast(coalesce(customer_items.purchased_items, 0) as {{ type_double() }}) as customer_items,
        customer_items.repeat_share as customer_repeat_share,
        customer_prices.mean_unit_price as customer_mean_unit_price
    from {{ customers }} as customers
    inner join candidate_users
        on customers.user_id = candidate_users.user_id
    cross join cutoff
    left join customer_orders
        on customers.user_id = customer_orders.user_id
    left join customer_items
        on customers.user_id = customer_items.user_id
    left join customer_prices
        on customers.user_id = customer_prices.user_id
),

-- Recent purchasers of every item (all customers, not only the candidates').
recent_purchases as (
    select
        events.item_id,
        events.user_id,
        {{ days_between('events.event_at', 'cutoff.as_of_at') }} as age_days
    from {{ events }} as events
    cross join cutoff
    where events.event_type = 'purchase'
        and events.user_id is not null
        and events.event_at > {{ dbt.dateadd('day', -90, 'cutoff.as_of_at') }}
),

item_last_sales as (
    select item_id, max(event_at) as last_sold_at
    from {{ events }}
    where event_type = 'purchase'
    group by item_id
),

item_recent as (
    select
        item_id,
        count(distinct case when age_days <= 7 then user_id end) as purchasers_7d,
        count(distinct case when age_days <= 30 then user_id end) as purchasers_30d,
        count(distinct user_id) as purchasers_90d
    from recent_purchases
    group by item_id
),

item_features as (
    select
        items.item_id,
        items.category_top,
        items.median_repurchase_interval_days,
        cast(coalesce(item_recent.purchasers_7d, 0) as {{ type_double() }}) as item_purchasers_7d,
        cast(coalesce(item_recent.purchasers_30d, 0) as {{ type_double() }}) as item_purchasers_30d,
        cast(coalesce(item_recent.purchasers_90d, 0) as {{ type_double() }}) as item_purchasers_90d,
        -- The last 30 days against the 60 before them, per 30 days (1 = steady).
        cast(coalesce(item_recent.purchasers_30d, 0) + 1 as {{ type_double() }})
            / (cast(coalesce(item_recent.purchasers_90d, 0) - coalesce(item_recent.purchasers_30d, 0) as {{ type_double() }}) / 2 + 1)
            as item_trend,
        cast(items.purchaser_count as {{ type_double() }}) as item_purchasers,
        cast(items.repurchase_share as {{ type_double() }}) as item_repurchase_share,
        cast(items.price as {{ type_double() }}) as item_price,
        {{ days_between('items.first_event_at', 'cutoff.as_of_at') }} as item_days_on_sale,
        {{ days_between('item_last_sales.last_sold_at', 'cutoff.as_of_at') }} as item_days_since_sold
    from {{ items }} as items
    cross join cutoff
    left join item_recent
        on items.item_id = item_recent.item_id
    left join item_last_sales
        on items.item_id = item_last_sales.item_id
),

pair_signals as (
    select
        user_events.user_id,
        user_events.item_id,
        max(case when user_events.event_type = 'view' then user_events.event_at end) as last_view_at,
        max(case when user_events.event_type = 'add_to_cart' then user_events.event_at end) as last_cart_at
    from user_events
    inner join candidates
        on user_events.user_id = candidates.user_id
        and user_events.item_id = candidates.item_id
    where user_events.event_type in ('view', 'add_to_cart')
    group by user_events.user_id, user_events.item_id
),

-- The customer's spend per top-level category: what they paid, summed exactly (decimal), so a
-- share lies in [0, 1] and is the same in every build. Net of returns it did neither: a
-- customer who returned most of what they bought had shares below 0 or above 1, and a net
-- total near 0 swung between builds (on Online Retail, -0.33 in one build and 2.67 in the next).
category_spend as (
    select
        user_events.user_id,
        items.category_top,
        sum(cast(user_events.line_amount as decimal(18, 4))) as spend
    from user_events
    inner join {{ items }} as items
        on user_events.item_id = items.item_id
    where user_events.event_type = 'purchase'
        and user_events.line_amount > 0
    group by user_events.user_id, items.category_top
),

category_shares as (
    select
        user_id,
        category_top,
        cast(spend as {{ type_double() }})
            / cast(sum(spend) over (partition by user_id) as {{ type_double() }}) as share
    from category_spend
),

last_orders as (
    select user_id, basket_id
    from (
        select
            user_id,
            basket_id,
            cast(row_number() over (
                partition by user_id order by ordered_at desc, basket_id desc
            ) as {{ dbt.type_bigint() }}) as recency_rank
        from orders
    ) as ranked
    where recency_rank = 1
),

last_order_items as (
    select distinct user_events.user_id, user_events.item_id
    from user_events
    inner join last_orders
        on user_events.user_id = last_orders.user_id
        and user_events.basket_id = last_orders.basket_id
    where user_events.event_type = 'purchase'
),

last_order_similarity as (
    select
        last_order_items.user_id,
        similarity.similar_item_id as item_id,
        sum(similarity.similarity) as similarity
    from last_order_items
    inner join {{ similarity }} as similarity
        on last_order_items.item_id = similarity.item_id
    group by last_order_items.user_id, similarity.similar_item_id
),

{%- if labels is not none %}
labels as (
    select distinct user_id, item_id from {{ labels }}
),
{%- endif %}

final as (
    select
        candidates.user_id,
        candidates.item_id,
        {%- if labels is not none %}
        case when labels.user_id is not null then 1 else 0 end as label,
        {%- else %}
        cast(null as {{ dbt.type_int() }}) as label,
        {%- endif %}
        customer_features.customer_recency_days,
        customer_features.customer_orders,
        customer_features.customer_monetary,
        customer_features.customer_tenure_days,
        customer_features.customer_order_cadence_days,
        customer_features.customer_views,
        customer_features.customer_items,
        customer_features.customer_repeat_share,
        customer_features.customer_mean_unit_price,
        item_features.item_purchasers_7d,
        item_features.item_purchasers_30d,
        item_features.item_purchasers_90d,
        item_features.item_trend,
        item_features.item_purchasers,
        item_features.item_repurchase_share,
        item_features.item_price,
        item_features.item_days_on_sale,
        item_features.item_days_since_sold,
        cast(case when interactions.has_purchased then 1 else 0 end as {{ type_double() }}) as pair_bought,
        cast(coalesce(interactions.order_count, 0) as {{ type_double() }}) as pair_orders,
        coalesce(interactions.order_count, 0) / nullif(customer_features.customer_orders, 0)
            as pair_order_share,
        cast(coalesce(interactions.quantity_purchased, 0) as {{ type_double() }}) as pair_quantity,
        {{ days_between('interactions.last_purchase_at', 'cutoff.as_of_at') }} as pair_days_since_bought,
        intervals.mean_interval_days as pair_mean_interval_days,
        {{ days_between('interactions.last_purchase_at', 'cutoff.as_of_at') }}
            / nullif(coalesce(intervals.mean_interval_days, item_features.median_repurchase_interval_days), 0)
            as pair_due_ratio,
        {{ days_between('pair_signals.last_view_at', 'cutoff.as_of_at') }} as pair_days_since_view,
        {{ days_between('pair_signals.last_cart_at', 'cutoff.as_of_at') }} as pair_days_since_cart,
        cast(coalesce(interactions.view_count, 0) as {{ type_double() }}) as pair_views,
        coalesce(interactions.affinity, 0) as pair_affinity,
        coalesce(category_shares.share, 0) as pair_category_share,
        coalesce(last_order_similarity.similarity, 0) as pair_last_order_similarity,
        -- Dearer (above 1) or cheaper than what the customer usually pays.
        item_features.item_price / nullif(customer_features.customer_mean_unit_price, 0)
            as pair_price_ratio,
        {%- for source in ranker_sources() %}
        cast(candidates.{{ source }}_rank as {{ type_double() }}) as {{ source }}_rank,
        cast(candidates.{{ source }}_score as {{ type_double() }}) as {{ source }}_score,
        {%- endfor %}
        cast(candidates.source_count as {{ type_double() }}) as source_count,
        cast(case when candidates.is_past_purchase then 1 else 0 end as {{ type_double() }}) as is_past_purchase
    from candidates
    cross join cutoff
    inner join customer_features
        on candidates.user_id = customer_features.user_id
    inner join item_features
        on candidates.item_id = item_features.item_id
    left join {{ interactions }} as interactions
        on candidates.user_id = interactions.user_id
        and candidates.item_id = interactions.item_id
    left join {{ intervals }} as intervals
        on candidates.user_id = intervals.user_id
        and candidates.item_id = intervals.item_id
    left join pair_signals
        on candidates.user_id = pair_signals.user_id
        and candidates.item_id = pair_signals.item_id
    left join category_shares
        on candidates.user_id = category_shares.user_id
        and item_features.category_top = category_shares.category_top
    left join last_order_similarity
        on candidates.user_id = last_order_similarity.user_id
        and candidates.item_id = last_order_similarity.item_id
    {%- if labels is not none %}
    left join labels
        on candidates.user_id = labels.user_id
        and candidates.item_id = labels.item_id
    {%- endif %}
)

select * from final
{% endmacro %}
