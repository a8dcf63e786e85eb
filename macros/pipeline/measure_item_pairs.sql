{#- Every co-occurrence measure of an item pair, from plain counts so each can be read back:
    with N transactions, c_a and c_b transactions holding each item and c_ab holding both,
      support = c_ab / N              confidence(a→b) = c_ab / c_a
      lift = c_ab · N / (c_a · c_b)   jaccard = c_ab / (c_a + c_b − c_ab)
      cosine = c_ab / sqrt(c_a · c_b)
    Called by model item_pairs and by its evaluation replay. -#}
{% macro measure_item_pairs(pair_counts, transactions, items) %}
with pair_counts as (
    select * from {{ pair_counts }}
),

transactions as (
    select * from {{ transactions }}
),

items as (
    select item_id, item_index from {{ items }}
),

item_counts as (
    select context, item_index, count(*) as item_count
    from transactions
    group by context, item_index
),

context_counts as (
    select context, count(distinct transaction_id) as transaction_count
    from transactions
    group by context
),

final as (
    select
        pair_counts.context,
        items_a.item_id as item_a,
        items_b.item_id as item_b,
        pair_counts.co_count,
        a.item_count as item_a_count,
        b.item_count as item_b_count,
        context_counts.transaction_count,
        pair_counts.co_count / cast(context_counts.transaction_count as {{ type_double() }})
            as support,
        pair_counts.co_count / cast(a.item_count as {{ type_double() }}) as confidence_a_to_b,
        pair_counts.co_count / cast(b.item_count as {{ type_double() }}) as confidence_b_to_a,
        pair_counts.co_count * cast(context_counts.transaction_count as {{ type_double() }})
            / (a.item_count * cast(b.item_count as {{ type_double() }})) as lift,
        pair_counts.co_count
            / cast(a.item_count + b.item_count - pair_counts.co_count as {{ type_double() }})
            as jaccard,
        pair_counts.co_count
            / sqrt(a.item_count * cast(b.item_count as {{ type_double() }})) as cosine
    from pair_counts
    inner join item_counts as a
        on pair_counts.context = a.context
        and pair_counts.item_a_index = a.item_index
    inner join item_counts as b
        on pair_counts.context = b.context
        and pair_counts.item_b_index = b.item_index
    inner join items as items_a
        on pair_counts.item_a_index = items_a.item_index
    inner join items as items_b
        on pair_counts.item_b_index = items_b.item_index
    inner join context_counts
        on pair_counts.context = context_counts.context
)

select * from final
{% endmacro %}
