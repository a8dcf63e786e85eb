-- What the transaction caps did: per context, how many transactions were longer than the
-- cap and how many item rows that kept out of co-occurrence.
with baskets as (
    select basket_id as transaction_id, count(*) as item_count
    from {{ ref('fct_basket_items') }}
    group by basket_id
),

histories as (
    select user_id as transaction_id, count(*) as item_count
    from {{ ref('fct_interactions') }}
    where affinity > 0
    group by user_id
),

sized as (
    select
        'basket' as context,
        item_count,
        {{ number_var('retail_recs__cooccurrence_max_basket_items') }} as cap
    from baskets
    union all
    select
        'history',
        item_count,
        {{ number_var('retail_recs__cooccurrence_max_history_items') }}
    from histories
),

final as (
    select
        context,
        max(cap) as item_cap,
        count(*) as transaction_count,
        sum(case when item_count > cap then 1 else 0 end) as capped_transaction_count,
        sum(case when item_count > cap then item_count - cap else 0 end) as dropped_item_rows,
        max(item_count) as largest_transaction_items
    from sized
    group by context
)

select * from final
