{#- The user-item matrix every recommender starts from. affinity = Σ weight(event_type) ×
    0.5^(age_days / half_life) at the as-of time: recent strong signals count most, returns count
    against. Reads the per-pair sums of total_interactions and applies the decay of the
    anchor (see there) and keeps the two, so that an incremental run can move every affinity to
    a new as-of time in place; adds the dense matrix indexes of the dimension tables.
    Called by model fct_interactions and by its evaluation replay. -#}
{% macro aggregate_interactions(totals, items, customers, as_of) %}
with totals as (
    select * from {{ totals }}
),

items as (
    select item_id, item_index from {{ items }}
),

customers as (
    select user_id, user_index from {{ customers }}
),

as_of as (
    select {{ as_of }} as as_of_at
),

final as (
    select
        totals.user_id,
        totals.item_id,
        customers.user_index,
        items.item_index,
        totals.view_count,
        totals.add_to_cart_count,
        totals.purchase_count,
        totals.return_count,
        totals.order_count,
        totals.quantity_purchased,
        totals.quantity_returned,
        -- Parallel sums differ in the last bits from build to build; rounding keeps a rebuild
        -- identical, and with it everything computed from these numbers (SVD factors, ranks).
        round(totals.net_revenue, 2) as net_revenue,
        {{ interaction_affinity('totals.decay_weight_sum', 'totals.decay_anchor_at', 'as_of.as_of_at') }} as affinity,
        totals.decay_weight_sum,
        totals.decay_anchor_at,
        totals.purchase_count > 0 as has_purchased,
        totals.first_interaction_at,
        totals.last_interaction_at,
        totals.last_purchase_at
    from totals
    cross join as_of
    inner join customers
        on totals.user_id = customers.user_id
    inner join items
        on totals.item_id = items.item_id
)

select * from final
{% endmacro %}

{#- The affinity at as_of_at of a pair whose decay-weighted sum is weight_sum at anchor_at,
    rounded (see net_revenue above). One expression for the build and for the in-place update
    of an incremental run, so both give the same bits. -#}
{% macro interaction_affinity(weight_sum, anchor_at, as_of_at) %}
    round(
        {{ weight_sum }} * {{ time_decay(
            days_between(anchor_at, as_of_at),
            number_var('retail_recs__affinity_half_life_days')
        ) }},
        10
    )
{%- endmacro %}
