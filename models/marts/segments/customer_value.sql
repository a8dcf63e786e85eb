-- Each customer's predicted value (int_clv_predictions) beside the RFM facts it is scored
-- with: the value decile ranks predicted spend, and value_score weighs the percentiles of
-- recency, frequency, monetary value and predicted value by the marketer's AHP weights
-- (value_criteria_weights). Percentiles are among customers who ordered; recency counts
-- fewer days as better.
with predictions as (
    select * from {{ ref('int_clv_predictions') }}
),

snapshot as (
    select user_id, recency_days, order_count, monetary_value
    from {{ ref('int_clv_snapshots') }}
    where snapshot = 'scoring'
),

weights as (
    select
        {%- for criterion in ['recency', 'frequency', 'monetary', 'predicted_value'] %}
        max(case when criterion = '{{ criterion }}' then weight end) as {{ criterion }}_weight
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('value_criteria_weights') }}
),

percentiles as (
    select
        predictions.*,
        snapshot.recency_days,
        snapshot.order_count,
        snapshot.monetary_value,
        -- percent_rank gives ties the same percentile, so equal customers score equally.
        percent_rank() over (order by snapshot.recency_days desc) as recency_percentile,
        percent_rank() over (order by snapshot.order_count) as frequency_percentile,
        percent_rank() over (order by snapshot.monetary_value) as monetary_percentile,
        percent_rank() over (order by predictions.expected_net_spend) as predicted_value_percentile,
        ntile(10) over (order by predictions.expected_net_spend, predictions.user_id)
            as value_decile
    from predictions
    inner join snapshot
        on predictions.user_id = snapshot.user_id
),

final as (
    select
        percentiles.user_id,
        percentiles.recency_days,
        percentiles.order_count,
        percentiles.monetary_value,
        percentiles.probability_active,
        percentiles.expected_orders,
        percentiles.expected_net_spend,
        cast(percentiles.value_decile as {{ dbt.type_int() }}) as value_decile,
        cast(round(
            weights.recency_weight * percentiles.recency_percentile
            + weights.frequency_weight * percentiles.frequency_percentile
            + weights.monetary_weight * percentiles.monetary_percentile
            + weights.predicted_value_weight * percentiles.predicted_value_percentile,
            9) as {{ type_double() }}) as value_score,
        percentiles.model_name as clv_model,
        percentiles.horizon_days,
        percentiles.fitted_horizon_days
    from percentiles
    cross join weights
)

select * from final
