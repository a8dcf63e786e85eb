{#- A recommendation list may hold only active catalogue items, never an item the customer
    already bought unless the item is repeatable, and at most N items per customer. -#}
{% test follows_recommendation_rules(model) %}

with recommendations as (
    select * from {{ model }}
),

validation_errors as (
    select
        recommendations.user_id,
        recommendations.item_id,
        case
            when items.item_id is null then 'not in dim_items'
            when not items.is_active then 'inactive item'
            when bought.user_id is not null and not items.is_repeatable
                then 'already bought, not repeatable'
            when recommendations.rank > {{ number_var('retail_recs__recommendations_per_user') }}
                then 'rank beyond N'
        end as violation
    from recommendations
    left join {{ ref('dim_items') }} as items
        on recommendations.item_id = items.item_id
    left join {{ ref('fct_interactions') }} as bought
        on recommendations.user_id = bought.user_id
        and recommendations.item_id = bought.item_id
        and bought.has_purchased
)

select * from validation_errors
where violation is not null

{% endtest %}
