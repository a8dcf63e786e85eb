-- The customer-value snapshots: int_customer_snapshots' features and outcomes, with a
-- horizon of var retail_recs__clv_horizon_days, shortened to a third of the shop's history
-- when that is shorter (a fit needs history before the training cutoff and a full horizon
-- after the validation one); customer_value scales the predictions back to the full horizon.
{%- set horizon = number_var('retail_recs__clv_horizon_days') | int %}
{%- if horizon < 1 %}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__clv_horizon_days must be at least 1 day, got " ~ horizon) }}
{%- endif %}
{%- set daily = ref('int_customer_daily_activity') %}
{{ snapshot_customers(
    daily,
    ref('stg_customers'),
    rolling_snapshots(
        'select cast(greatest(1, least(' ~ horizon ~ ', floor((max(days_before_as_of) + 1) / 3)))'
            ~ ' as ' ~ dbt.type_int() ~ ') as horizon_days from ' ~ daily
    )
) }}
