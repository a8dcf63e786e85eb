-- Items to buy again: what the customer bought before, scored by how often and by how due
-- the next purchase is. interval = the customer's own mean gap between orders of the item,
-- else the item's median across repurchasers; due_ratio = days since last order / interval;
-- dueness peaks at 1 when due (rising linearly before, decaying as 1/sqrt(due_ratio) after,
-- since a long-overdue habit may have lapsed) and is 0.5 when no interval is known.
-- score = order_count · dueness. Only repeatable items survive the shared ranking rules.
with intervals as (
    select * from {{ ref('int_purchase_intervals') }}
),

items as (
    select item_id, median_repurchase_interval_days from {{ ref('dim_items') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

due as (
    select
        intervals.user_id,
        intervals.item_id,
        intervals.order_count,
        {{ days_between('intervals.last_ordered_at', 'as_of.as_of_at') }}
            / nullif(
                coalesce(intervals.mean_interval_days, items.median_repurchase_interval_days), 0
            ) as due_ratio
    from intervals
    inner join items
        on intervals.item_id = items.item_id
    cross join as_of
),

scored as (
    select
        user_id,
        item_id,
        order_count * case
            when due_ratio is null then 0.5
            when due_ratio <= 1 then due_ratio
            else 1 / sqrt(due_ratio)
        end as score
    from due
),

final as (
    {{ rank_recommendations('scored', 'buy_again') }}
)

select * from final
