{#- Baskets for co-occurrence: the order when an event has one, else its session. Returns are
    left out (a return is not a choice to buy together); guests are kept (they are baskets too).
    Called by model fct_basket_items and by its evaluation replay. -#}
{% macro collect_basket_items(events) %}
with events as (
    select * from {{ events }}
    where event_type <> 'return'
        and (order_id is not null or session_id is not null)
),

baskets as (
    select
        {{ basket_id('order_id', 'session_id') }} as basket_id,
        item_id,
        case when order_id is not null then 'order' else 'session' end as basket_type,
        user_id,
        event_type,
        quantity,
        event_at
    from events
),

final as (
    select
        basket_id,
        item_id,
        min(basket_type) as basket_type,
        min(user_id) as user_id,
        count(*) as event_count,
        sum(case when event_type = 'purchase' then quantity else 0 end) as quantity_purchased,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1 as is_purchased,
        min(event_at) as basket_at
    from baskets
    group by basket_id, item_id
)

select * from final
{% endmacro %}
