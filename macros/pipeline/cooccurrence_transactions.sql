{#- The item sets co-occurrence counts over, in two contexts. 'basket': the items of an order
    (else a session). 'history': the items a customer interacted with positively, each with
    its time, so pairs can be limited to a window. Long transactions are capped (see
    dbt_project.yml) so the pair count stays near-linear in events; cooccurrence_capping
    reports what the cap removed.
    Items travel with their dense item_index: the pair join and its aggregation run on
    integers, twice as fast as on text ids.
    Called by model int_cooccurrence_transactions and by its evaluation replay. -#}
{% macro cooccurrence_transactions(items, basket_items, interactions) %}
with items as (
    select item_id, item_index from {{ items }}
),

basket_items as (
    select
        baskets.basket_id as transaction_id,
        baskets.item_id,
        items.item_index,
        baskets.basket_at as item_at,
        cast(row_number() over (
            partition by baskets.basket_id order by baskets.basket_at, baskets.item_id
        ) as {{ dbt.type_bigint() }}) as position
    from {{ basket_items }} as baskets
    inner join items
        on baskets.item_id = items.item_id
),

history_items as (
    select
        user_id as transaction_id,
        item_id,
        item_index,
        last_interaction_at as item_at,
        cast(row_number() over (
            partition by user_id order by last_interaction_at desc, item_id
        ) as {{ dbt.type_bigint() }}) as position
    from {{ interactions }}
    where affinity > 0
),

final as (
    select 'basket' as context, transaction_id, item_id, item_index, item_at
    from basket_items
    where position <= {{ number_var('retail_recs__cooccurrence_max_basket_items') }}
    union all
    select 'history' as context, transaction_id, item_id, item_index, item_at
    from history_items
    where position <= {{ number_var('retail_recs__cooccurrence_max_history_items') }}
)

select * from final
{% endmacro %}
