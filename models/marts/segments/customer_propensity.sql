-- Each customer's probability of ordering within var retail_recs__propensity_horizon_days
-- after the as-of time, from the model chosen in propensity_model_selection and calibrated on
-- the validation window, with the decile (10 = likeliest) a campaign can target.
with scores as (
    select * from {{ ref('int_propensity_scores') }}
    where snapshot = 'scoring'
),

final as (
    select
        user_id,
        purchase_probability,
        {{ score_band('purchase_probability', 10) }} as propensity_decile,
        cutoff_at as as_of_at,
        {{ dbt.dateadd('day', number_var('retail_recs__propensity_horizon_days'), 'cutoff_at') }}
            as horizon_end_at
    from scores
)

select * from final
