-- Calibration of the propensity model by decile of predicted probability (10 = likeliest),
-- the mean prediction and the share who really ordered in the horizon, for the chosen
-- model's own probabilities ('before') and the calibrated ones customer_propensity serves
-- ('after'). A calibrated model has mean_probability close to buyer_rate in every decile.
-- The calibrator learned from the validation split: 'after' on validation is in-sample.
with scores as (
    select * from {{ ref('int_propensity_scores') }}
    where snapshot in ('training', 'validation')
),

probabilities as (
    select
        snapshot,
        'before' as calibration,
        uncalibrated_probability as probability,
        ordered_in_horizon
    from scores

    union all

    select
        snapshot,
        'after' as calibration,
        purchase_probability as probability,
        ordered_in_horizon
    from scores
),

banded as (
    select
        snapshot,
        calibration,
        probability,
        case when ordered_in_horizon then 1 else 0 end as outcome,
        {{ score_band('probability', 10, partition_by='snapshot, calibration') }} as decile
    from probabilities
),

final as (
    select
        snapshot as split,
        calibration,
        decile,
        count(*) as customers,
        avg(probability) as mean_probability,
        avg(cast(outcome as {{ type_double() }})) as buyer_rate,
        min(probability) as min_probability,
        max(probability) as max_probability
    from banded
    group by snapshot, calibration, decile
)

select * from final
