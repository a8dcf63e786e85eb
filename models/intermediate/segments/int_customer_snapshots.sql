-- What was known about each customer at three cutoffs: the as-of time ('scoring'), one
-- propensity horizon before it ('validation') and two horizons before it ('training'), with
-- whether they ordered in the horizon after the cutoff. customer_features is the scoring
-- snapshot; the propensity model learns from training and is checked on validation.
{{ snapshot_customers(
    ref('int_customer_daily_activity'),
    ref('stg_customers'),
    rolling_snapshots(
        'select cast(' ~ (number_var('retail_recs__propensity_horizon_days') | int) ~ ' as '
            ~ dbt.type_int() ~ ') as horizon_days'
    )
) }}
