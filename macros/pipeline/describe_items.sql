{#- Accepted catalogue items with popularity up to the as-of time and a dense 0-based
    item_index (ordered by item_id) that the Python layer uses as matrix column. Popularity is
    summed from the customer-item totals (total_interactions) plus the guests' events, and
    distinct orders are counted from the basket items (one row per order and item), so the
    model never scans all events.
    Categories come from `categories` (item_categories: given, predicted or derived from the
    item's topic), which depends on the catalogue only, so the replay shares it.
    Called by model dim_items and by its evaluation replay. -#}
{% macro describe_items(items, categories, totals, events, basket_items, purchase_intervals) %}
with items as (
    select * from {{ items }}
),

categories as (
    select item_id, category, category_top, category_source from {{ categories }}
),

totals as (
    select * from {{ totals }}
),

guest_events as (
    select * from {{ events }}
    where user_id is null
),

basket_items as (
    select * from {{ basket_items }}
),

purchase_intervals as (
    select * from {{ purchase_intervals }}
),

repurchase as (
    select
        item_id,
        sum(case when order_count > 1 then 1 else 0 end) as repurchaser_count,
        {{ median('mean_interval_days') }} as median_repurchase_interval_days
    from purchase_intervals
    group by item_id
),

-- Each customer-item pair counts its customer once; guest events count by themselves.
item_contributions as (
    select
        item_id,
        1 as customer_count,
        case when purchase_count > 0 then 1 else 0 end as purchaser_count,
        view_count,
        quantity_purchased as quantity_sold,
        quantity_returned,
        net_revenue,
        first_interaction_at as first_event_at,
        last_interaction_at as last_event_at
    from totals
    union all
    select
        item_id,
        0 as customer_count,
        0 as purchaser_count,
        case when event_type = 'view' then 1 else 0 end as view_count,
        case when event_type = 'purchase' then quantity else 0 end as quantity_sold,
        case when event_type = 'return' then quantity else 0 end as quantity_returned,
        line_amount as net_revenue,
        event_at as first_event_at,
        event_at as last_event_at
    from guest_events
),

-- Distinct orders with a purchase of the item, guests' included.
order_counts as (
    select item_id, count(*) as order_count
    from basket_items
    where basket_type = 'order' and is_purchased
    group by item_id
),

popularity as (
    select
        item_contributions.item_id,
        cast(sum(item_contributions.customer_count) as {{ dbt.type_bigint() }}) as customer_count,
        cast(sum(item_contributions.purchaser_count) as {{ dbt.type_bigint() }}) as purchaser_count,
        sum(item_contributions.view_count) as view_count,
        sum(item_contributions.quantity_sold) as quantity_sold,
        sum(item_contributions.quantity_returned) as quantity_returned,
        sum(item_contributions.net_revenue) as net_revenue,
        min(item_contributions.first_event_at) as first_event_at,
        max(item_contributions.last_event_at) as last_event_at
    from item_contributions
    group by item_contributions.item_id
),

joined as (
    select
        items.item_id,
        items.name,
        coalesce(categories.category, {{ uncategorized() }}) as category,
        coalesce(categories.category_top, {{ uncategorized() }}) as category_top,
        coalesce(categories.category_source, 'none') as category_source,
        items.brand,
        items.description,
        items.price,
        coalesce(popularity.customer_count, 0) as customer_count,
        coalesce(popularity.purchaser_count, 0) as purchaser_count,
        coalesce(order_counts.order_count, 0) as order_count,
        cast(coalesce(popularity.view_count, 0) as {{ dbt.type_bigint() }}) as view_count,
        cast(coalesce(popularity.quantity_sold, 0) as {{ dbt.type_bigint() }}) as quantity_sold,
        cast(coalesce(popularity.quantity_returned, 0) as {{ dbt.type_bigint() }}) as quantity_returned,
        -- Rounded as in fct_interactions: parallel sums differ in the last bits between builds.
        round(coalesce(popularity.net_revenue, 0), 2) as net_revenue,
        cast(coalesce(repurchase.repurchaser_count, 0) as {{ dbt.type_bigint() }}) as repurchaser_count,
        repurchase.median_repurchase_interval_days,
        items.is_active,
        popularity.first_event_at,
        popularity.last_event_at
    from items
    left join categories
        on items.item_id = categories.item_id
    left join popularity
        on items.item_id = popularity.item_id
    left join order_counts
        on items.item_id = order_counts.item_id
    left join repurchase
        on items.item_id = repurchase.item_id
),

final as (
    select
        item_id,
        cast(row_number() over (order by item_id) as {{ dbt.type_bigint() }}) - 1 as item_index,
        name,
        category,
        category_top,
        category_source,
        brand,
        description,
        price,
        customer_count,
        purchaser_count,
        order_count,
        view_count,
        quantity_sold,
        quantity_returned,
        net_revenue,
        repurchaser_count,
        repurchaser_count / cast(nullif(purchaser_count, 0) as {{ type_double() }})
            as repurchase_share,
        median_repurchase_interval_days,
        cast(row_number() over (
            order by purchaser_count desc, order_count desc, customer_count desc, item_id
        ) as {{ dbt.type_bigint() }}) as popularity_rank,
        is_active,
        -- Re-buying is normal for this item, so buying it before does not rule it out.
        coalesce(
            repurchaser_count >= {{ number_var('retail_recs__repeatable_min_customers') }}
            and repurchaser_count
                >= {{ number_var('retail_recs__repeatable_min_share') }} * purchaser_count,
            false
        ) as is_repeatable,
        first_event_at,
        last_event_at
    from joined
)

select * from final
{% endmacro %}
