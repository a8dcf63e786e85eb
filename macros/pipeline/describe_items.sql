{#- Accepted catalogue items with popularity up to the as-of time and a dense 0-based
    item_index (ordered by item_id) that the Python layer uses as matrix column.
    Called by model dim_items and by its evaluation replay. -#}
{% macro describe_items(items, events, purchase_intervals) %}
with items as (
    select * from {{ items }}
),

events as (
    select * from {{ events }}
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

popularity as (
    select
        item_id,
        count(distinct user_id) as customer_count,
        count(distinct case when event_type = 'purchase' then user_id end) as purchaser_count,
        count(distinct case when event_type = 'purchase' then order_id end) as order_count,
        sum(case when event_type = 'view' then 1 else 0 end) as view_count,
        sum(case when event_type = 'purchase' then quantity else 0 end) as quantity_sold,
        sum(case when event_type = 'return' then quantity else 0 end) as quantity_returned,
        sum(line_amount) as net_revenue,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from events
    group by item_id
),

joined as (
    select
        items.item_id,
        items.name,
        coalesce(items.category, {{ uncategorized() }}) as category,
        coalesce(
            {{ dbt.split_part('items.category', "'" ~ var('retail_recs__category_separator') ~ "'", 1) }},
            {{ uncategorized() }}
        ) as category_top,
        items.brand,
        items.description,
        items.price,
        coalesce(popularity.customer_count, 0) as customer_count,
        coalesce(popularity.purchaser_count, 0) as purchaser_count,
        coalesce(popularity.order_count, 0) as order_count,
        cast(coalesce(popularity.view_count, 0) as {{ dbt.type_bigint() }}) as view_count,
        cast(coalesce(popularity.quantity_sold, 0) as {{ dbt.type_bigint() }}) as quantity_sold,
        cast(coalesce(popularity.quantity_returned, 0) as {{ dbt.type_bigint() }}) as quantity_returned,
        coalesce(popularity.net_revenue, 0) as net_revenue,
        cast(coalesce(repurchase.repurchaser_count, 0) as {{ dbt.type_bigint() }}) as repurchaser_count,
        repurchase.median_repurchase_interval_days,
        items.is_active,
        popularity.first_event_at,
        popularity.last_event_at
    from items
    left join popularity
        on items.item_id = popularity.item_id
    left join repurchase
        on items.item_id = repurchase.item_id
),

final as (
    select
        item_id,
        row_number() over (order by item_id) - 1 as item_index,
        name,
        category,
        category_top,
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
        row_number() over (
            order by purchaser_count desc, order_count desc, customer_count desc, item_id
        ) as popularity_rank,
        is_active,
        -- Re-buying is normal for this item, so buying it before does not rule it out.
        coalesce(
            repurchaser_count >= {{ var('retail_recs__repeatable_min_customers') }}
            and repurchaser_count
                >= {{ var('retail_recs__repeatable_min_share') }} * purchaser_count,
            false
        ) as is_repeatable,
        first_event_at,
        last_event_at
    from joined
)

select * from final
{% endmacro %}
