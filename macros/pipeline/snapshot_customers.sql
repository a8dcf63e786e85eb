{#- What was known about each customer at each cutoff of `snapshots_query`, with what they did
    in the horizon after it (orders, net spend). `snapshots_query` returns one row per
    snapshot: snapshot (its name), cutoff_days_before_as_of and horizon_days (the window
    before the cutoff that the recent_ features count, and the label window after it).
    rolling_snapshots gives the models' three (scoring, validation, training); the uplift
    training asks for one per past campaign start (it may read the `as_of` CTE, column
    as_of_at). One definition of every feature, so
    propensity, customer value and uplift learn and score on the same columns.
    Called by models int_customer_snapshots, int_clv_snapshots and int_uplift_snapshots. -#}
{% macro snapshot_customers(daily, profiles, snapshots_query) %}
with daily as (
    select * from {{ daily }}
),

profiles as (
    select user_id, signup_at from {{ profiles }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

snapshots as (
    {{ snapshots_query }}
),

-- Days up to the cutoff describe the customer; the horizon after it gives the label.
windowed as (
    select
        snapshots.snapshot,
        snapshots.cutoff_days_before_as_of,
        snapshots.horizon_days,
        daily.*,
        daily.days_before_as_of >= snapshots.cutoff_days_before_as_of as is_history,
        daily.days_before_as_of < snapshots.cutoff_days_before_as_of + snapshots.horizon_days
            as is_recent
    from daily
    inner join snapshots
        on daily.days_before_as_of >= snapshots.cutoff_days_before_as_of - snapshots.horizon_days
),

aggregated as (
    select
        snapshot,
        cutoff_days_before_as_of,
        horizon_days,
        user_id,
        {%- for column in ['order_count', 'purchase_lines', 'units_purchased', 'purchase_amount',
                           'return_lines', 'return_amount', 'view_count', 'add_to_cart_count',
                           'session_count'] %}
        {%- set type = type_double() if column.endswith('amount') else dbt.type_bigint() %}
        {#- Money is rounded to 1e-6 so parallel float sums cannot flip a last bit between
            builds (the propensity fit would amplify it). #}
        {%- set total = 'sum(case when is_history then ' ~ column ~ ' else 0 end)' %}
        cast({{ 'round(' ~ total ~ ', 6)' if column.endswith('amount') else total }} as {{ type }})
            as {{ column }},
        {%- endfor %}
        {%- for column in ['order_count', 'view_count', 'add_to_cart_count', 'session_count'] %}
        cast(sum(case when is_history and is_recent then {{ column }} else 0 end)
            as {{ dbt.type_bigint() }}) as recent_{{ column }},
        {%- endfor %}
        min(case when is_history then first_event_at end) as first_event_at,
        max(case when is_history then last_event_at end) as last_event_at,
        min(case when is_history then first_order_at end) as first_order_at,
        max(case when is_history then last_order_at end) as last_order_at,
        cast(round(sum(case when is_history and is_recent then purchase_amount - return_amount else 0 end), 6)
            as {{ type_double() }}) as recent_net_spend,
        sum(case when not is_history then order_count else 0 end) as horizon_order_count,
        cast(round(sum(case when not is_history then purchase_amount - return_amount else 0 end), 6)
            as {{ type_double() }}) as horizon_net_spend
    from windowed
    group by snapshot, cutoff_days_before_as_of, horizon_days, user_id
    having max(case when is_history then 1 else 0 end) = 1
),

dated as (
    select
        aggregated.*,
        {{ dbt.dateadd('day', '-aggregated.cutoff_days_before_as_of', 'as_of.as_of_at') }}
            as cutoff_at,
        profiles.signup_at
    from aggregated
    cross join as_of
    left join profiles
        on aggregated.user_id = profiles.user_id
),

final as (
    select
        snapshot,
        user_id,
        cutoff_at,
        first_event_at,
        last_event_at,
        first_order_at,
        last_order_at,
        -- Tenure counts from the account's opening when it predates the first event.
        cast(floor({{ days_between(
            'case when signup_at < first_event_at then signup_at else first_event_at end',
            'cutoff_at') }}) as {{ dbt.type_int() }}) as tenure_days,
        cast(floor({{ days_between('last_order_at', 'cutoff_at') }}) as {{ dbt.type_int() }})
            as recency_days,
        cast(floor({{ days_between('last_event_at', 'cutoff_at') }}) as {{ dbt.type_int() }})
            as days_since_last_event,
        order_count,
        purchase_lines,
        units_purchased,
        purchase_amount,
        return_lines,
        return_amount,
        purchase_amount - return_amount as monetary_value,
        case when order_count > 0 then purchase_amount / order_count end as average_order_value,
        case when purchase_lines > 0 then cast(return_lines as {{ type_double() }}) / purchase_lines end as return_rate,
        case
            when order_count > 1
                then {{ days_between('first_order_at', 'last_order_at') }} / (order_count - 1)
        end as mean_days_between_orders,
        view_count,
        add_to_cart_count,
        session_count,
        case when order_count > 0 then cast(view_count as {{ type_double() }}) / order_count end as views_per_order,
        recent_order_count,
        recent_view_count,
        recent_add_to_cart_count,
        recent_session_count,
        recent_net_spend,
        horizon_days,
        -- Known only when the whole horizon after the cutoff lies before the as-of time.
        case
            when cutoff_days_before_as_of >= horizon_days then horizon_order_count > 0
        end as ordered_in_horizon,
        case
            when cutoff_days_before_as_of >= horizon_days
                then cast(horizon_order_count as {{ dbt.type_bigint() }})
        end as horizon_order_count,
        case when cutoff_days_before_as_of >= horizon_days then horizon_net_spend end
            as horizon_net_spend
    from dated
)

select * from final
{% endmacro %}

{#- The three snapshots of a model that learns from the past to score the present: the as-of
    time ('scoring'), one horizon before it ('validation') and two before it ('training').
    `horizon_query` returns one row with column horizon_days: a constant (propensity) or one
    derived from the shop's history (customer value). -#}
{% macro rolling_snapshots(horizon_query) %}
    select
        named.snapshot,
        named.horizons_before_as_of * horizon.horizon_days as cutoff_days_before_as_of,
        horizon.horizon_days
    from (
        select 'scoring' as snapshot, 0 as horizons_before_as_of
        union all
        select 'validation', 1
        union all
        select 'training', 2
    ) as named
    cross join ({{ horizon_query }}) as horizon
{% endmacro %}
