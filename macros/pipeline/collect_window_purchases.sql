{#- What each customer really bought in the `days` days (a number or SQL) after `cutoff`: the
    answer key of the offline evaluation (model eval_truth) and the labels of the ranker's
    training (model eval_train_truth). Only customers and items seen before the cutoff count
    (`customers`, `items` and `interactions` are the replay's as of the cutoff: a recommender
    cannot know the others), and each item says whether the customer had bought it before,
    for the new-items protocol. `events` are the accepted source events (stg_events). -#}
{% macro collect_window_purchases(events, cutoff, days, customers, items, interactions, max_customers) %}
with cutoff as (
    select {{ cutoff }} as cutoff_at
),

test_purchases as (
    select events.user_id, events.item_id, min(events.event_at) as first_bought_at
    from {{ events }} as events
    cross join cutoff
    where events.event_type = 'purchase'
        and events.user_id is not null
        and events.event_at > cutoff.cutoff_at
        and events.event_at <= {{ dbt.dateadd('day', days, 'cutoff.cutoff_at') }}
    group by events.user_id, events.item_id
),

training_customers as (
    select user_id from {{ customers }}
    where event_count > 0
),

training_items as (
    select item_id from {{ items }}
    where customer_count > 0
),

training_purchases as (
    select user_id, item_id from {{ interactions }}
    where has_purchased
),

-- At most max_customers customers, a fixed pseudo-random sample (by hash of user_id), so the
-- metrics and the ranker's training stay affordable at millions of customers.
evaluated_customers as (
    select user_id
    from (
        select
            user_id,
            cast(row_number() over (order by {{ sha256_hex('user_id') }}, user_id) as {{ dbt.type_bigint() }}) as sample_rank
        from (
            select distinct test_purchases.user_id
            from test_purchases
            inner join training_customers
                on test_purchases.user_id = training_customers.user_id
        ) as candidates
    ) as ranked
    where sample_rank <= {{ max_customers }}
),

final as (
    select
        test_purchases.user_id,
        test_purchases.item_id,
        test_purchases.first_bought_at,
        training_purchases.user_id is not null as bought_in_training
    from test_purchases
    inner join evaluated_customers
        on test_purchases.user_id = evaluated_customers.user_id
    inner join training_items
        on test_purchases.item_id = training_items.item_id
    left join training_purchases
        on test_purchases.user_id = training_purchases.user_id
        and test_purchases.item_id = training_purchases.item_id
)

select * from final
{% endmacro %}
