-- The evaluation's test window: how many days after the cutoff the offline evaluation scores
-- what customers bought, and the cutoff itself (var retail_recs__eval_cutoff when set, else
-- the as-of time minus the window). With var retail_recs__eval_test_days = 'auto', each
-- length of var retail_recs__eval_test_days_candidates is measured on this shop's events and
-- the shortest that evaluates at least var retail_recs__strategy_min_customers customers on
-- both protocols is chosen: a shop whose customers buy every few months gets a window long
-- enough to choose its strategy, and one that buys weekly keeps the shortest, most recent
-- one. Counted for each window: customers with an event before the cutoff who bought in it
-- (repeats allowed) and who bought an item they had never bought before (new items). When no
-- window qualifies, the shortest is kept and recommendation_strategy keeps the blend
-- (build_warnings: strategy_untested). A number pins the window. has_training_history says
-- whether the replayed ranker, which learns the horizon before the cutoff, has events before
-- that: without them it is not trained, and the strategy is chosen among the others.
{%- set candidates = eval_test_days_candidates() %}
{%- set is_auto = var('retail_recs__eval_test_days') is string %}
{%- set minimum = number_var('retail_recs__strategy_min_customers') %}
{%- set horizon = 'window_days' if var('retail_recs__ranker_horizon_days') is none
    else number_var('retail_recs__ranker_horizon_days') | int %}

with windows as (
    {{ integer_rows(candidates, 'window_days') }}
),

bounds as (
    select
        window_days,
        {%- if var('retail_recs__eval_cutoff') %}
        {{ date_var_timestamp('retail_recs__eval_cutoff') }} as cutoff_at
        {%- else %}
        {{ dbt.dateadd('day', '-1 * window_days', as_of_timestamp()) }} as cutoff_at
        {%- endif %}
    from windows
),

windows_bounded as (
    select
        window_days,
        cutoff_at,
        {{ dbt.dateadd('day', 'window_days', 'cutoff_at') }} as window_end_at,
        {{ dbt.dateadd('day', '-1 * ' ~ horizon, 'cutoff_at') }}
            as training_cutoff_at
    from bounds
),

customer_starts as (
    select user_id, min(event_at) as first_event_at
    from {{ ref('stg_events') }}
    where user_id is not null
    group by user_id
),

-- One row per customer and purchase time, whether the customer bought any of its items for
-- the first time then.
purchase_times as (
    select user_id, event_at, max(is_first_purchase) as has_first_purchase
    from (
        select
            user_id,
            event_at,
            case
                when event_at = min(event_at) over (partition by user_id, item_id) then 1 else 0
            end as is_first_purchase
        from {{ ref('stg_events') }}
        where event_type = 'purchase'
            and user_id is not null
    ) as purchases
    group by user_id, event_at
),

window_buyers as (
    select
        windows_bounded.window_days,
        count(distinct purchase_times.user_id) as buyers,
        count(distinct case when purchase_times.has_first_purchase = 1 then purchase_times.user_id end)
            as new_item_buyers
    from windows_bounded
    inner join purchase_times
        on purchase_times.event_at > windows_bounded.cutoff_at
        and purchase_times.event_at <= windows_bounded.window_end_at
    inner join customer_starts
        on purchase_times.user_id = customer_starts.user_id
    where customer_starts.first_event_at <= windows_bounded.cutoff_at
    group by windows_bounded.window_days
),

measured as (
    select
        windows_bounded.window_days,
        windows_bounded.cutoff_at,
        windows_bounded.window_end_at,
        cast(coalesce(window_buyers.buyers, 0) as {{ dbt.type_bigint() }}) as buyers,
        cast(coalesce(window_buyers.new_item_buyers, 0) as {{ dbt.type_bigint() }}) as new_item_buyers,
        coalesce(
            (select min(first_event_at) from customer_starts) <= windows_bounded.training_cutoff_at,
            false
        ) as has_training_history
    from windows_bounded
    left join window_buyers
        on windows_bounded.window_days = window_buyers.window_days
),

qualified as (
    select
        *,
        {%- if is_auto %}
        buyers >= {{ minimum }} and new_item_buyers >= {{ minimum }}
        {%- else %}
        true
        {%- endif %}
            as is_qualified
    from measured
),

chosen as (
    select coalesce(
        min(case when is_qualified then window_days end),
        min(window_days)
    ) as window_days
    from qualified
),

final as (
    select
        qualified.window_days,
        qualified.cutoff_at,
        qualified.window_end_at,
        qualified.buyers,
        qualified.new_item_buyers,
        qualified.has_training_history,
        qualified.window_days = chosen.window_days as is_chosen,
        case
            {%- if not is_auto %}
            when true then 'Set by var retail_recs__eval_test_days'
            {%- endif %}
            when qualified.window_days = chosen.window_days and qualified.is_qualified
                then 'The shortest window in which at least var retail_recs__strategy_min_customers = {{ minimum }} customers bought, and bought new items'
                    || case
                        when qualified.has_training_history then ''
                        else '; no event precedes the training cutoff of the replayed ranker, so the ranker is not among the strategies'
                    end
            when qualified.window_days = chosen.window_days
                then 'No window has var retail_recs__strategy_min_customers = {{ minimum }} customers buying in it and buying new items: the shortest is kept, and the strategy is untested'
            when qualified.is_qualified then 'A shorter window evaluates enough customers'
            else 'Too few customers bought in it'
        end as reason
    from qualified
    cross join chosen
)

select * from final
