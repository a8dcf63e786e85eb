{#- c_ab: transactions holding both items of an unordered pair, per context, by dense item
    index (item_a_index < item_b_index, which is also item_id order).
    History pairs must also fall within the window. The self-join is the costliest step of
    the similarity layer: its cost is Σ transaction_size², bounded by the caps upstream.
    Called by model int_item_pair_counts and by its evaluation replay. -#}
{% macro count_item_pairs(transactions) %}
with transactions as (
    select * from {{ transactions }}
),

pairs as (
    select
        a.context,
        a.item_index as item_a_index,
        b.item_index as item_b_index
    from transactions as a
    inner join transactions as b
        on a.context = b.context
        and a.transaction_id = b.transaction_id
        and a.item_index < b.item_index
    where a.context = 'basket'
        or abs({{ days_between('a.item_at', 'b.item_at') }})
            <= {{ number_var('retail_recs__cooccurrence_history_window_days') }}
),

final as (
    select
        context,
        item_a_index,
        item_b_index,
        count(*) as co_count
    from pairs
    group by context, item_a_index, item_b_index
    having count(*) >= {{ number_var('retail_recs__cooccurrence_min_count') }}
)

select * from final
{% endmacro %}
