-- c_ab: transactions holding both items of an unordered pair (item_a < item_b), per context.
-- History pairs must also fall within the window. The self-join is the costliest step of
-- the similarity layer: its cost is Σ transaction_size², bounded by the caps upstream.
with transactions as (
    select * from {{ ref('int_cooccurrence_transactions') }}
),

pairs as (
    select
        a.context,
        a.item_id as item_a,
        b.item_id as item_b
    from transactions as a
    inner join transactions as b
        on a.context = b.context
        and a.transaction_id = b.transaction_id
        and a.item_id < b.item_id
    where a.context = 'basket'
        or abs({{ days_between('a.item_at', 'b.item_at') }})
            <= {{ var('retail_recs__cooccurrence_history_window_days') }}
),

final as (
    select
        context,
        item_a,
        item_b,
        count(*) as co_count
    from pairs
    group by context, item_a, item_b
    having count(*) >= {{ var('retail_recs__cooccurrence_min_count') }}
)

select * from final
