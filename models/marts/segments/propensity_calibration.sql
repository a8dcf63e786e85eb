-- Calibration of the propensity model: customers in deciles of predicted probability
-- (10 = likeliest), the mean prediction and the share who really ordered in the horizon.
-- A calibrated model has mean_probability close to buyer_rate in every decile.
with scores as (
    select * from {{ ref('int_propensity_scores') }}
    where snapshot in ('training', 'validation')
),

banded as (
    select
        snapshot,
        purchase_probability,
        case when ordered_in_horizon then 1 else 0 end as outcome,
        {{ score_band('purchase_probability', 10, partition_by='snapshot') }} as decile
    from scores
),

final as (
    select
        snapshot as split,
        decile,
        count(*) as customers,
        avg(purchase_probability) as mean_probability,
        avg(cast(outcome as {{ type_double() }})) as buyer_rate,
        min(purchase_probability) as min_probability,
        max(purchase_probability) as max_probability
    from banded
    group by snapshot, decile
)

select * from final
