{#- Accepted events up to the as-of time, each with its event-type weight and time decay:
    the inputs of every affinity, popularity and basket aggregate. drop_after_as_of = false
    skips the as-of filter where no event can be later (as_of is their latest).
    Called by model int_events_weighted and by its evaluation replay. -#}
{% macro weigh_events(events, event_type_weights, items, as_of, drop_after_as_of=true) %}
with events as (
    select * from {{ events }}
),

event_type_weights as (
    select * from {{ event_type_weights }}
),

items as (
    select item_id, price from {{ items }}
),

aged as (
    select
        events.*,
        event_type_weights.weight as event_weight,
        -- Signed money: purchases add, returns subtract; the list price stands in when the
        -- event carries no price.
        case
            when events.event_type = 'purchase' then 1
            when events.event_type = 'return' then -1
            else 0
        end * events.quantity * coalesce(events.unit_price, items.price, 0) as line_amount,
        {{ days_between('events.event_at', as_of) }} as age_days
    from events
    inner join event_type_weights
        on events.event_type = event_type_weights.event_type
    left join items
        on events.item_id = items.item_id
    {%- if drop_after_as_of %}
    -- as_of is a scalar, not a cross-joined row: the inequality join made DuckDB estimate a
    -- few dozen events and build the item join's hash table on all of them.
    where events.event_at <= {{ as_of }}
    {%- endif %}
),

final as (
    select
        event_id,
        user_id,
        item_id,
        session_id,
        order_id,
        event_type,
        channel,
        quantity,
        line_amount,
        event_weight,
        age_days,
        {{ time_decay('age_days', number_var('retail_recs__affinity_half_life_days')) }} as decay,
        event_at
    from aged
)

select * from final
{% endmacro %}

{#- weigh_events as model int_events_weighted calls it, on the given rows of stg_events (a
    relation or a parenthesized query) and as a parenthesized query: the incremental aggregates
    weigh only the events of the keys they recompute. Unless var retail_recs__as_of is set, the
    as-of time is the latest staged event, so no staged event is later: the filter is skipped,
    as DuckDB estimates that it keeps a dozen rows (a scalar subquery) and then builds its hash
    joins on millions of events. -#}
{% macro weigh_staged_events(events) %}
    ({{ weigh_events(
        events=events,
        event_type_weights=ref('event_type_weights'),
        items=ref('stg_items'),
        as_of=as_of_timestamp(),
        drop_after_as_of=(true if var('retail_recs__as_of') else false)
    ) }})
{%- endmacro %}
