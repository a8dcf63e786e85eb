-- Built by macro describe_customers (macros/pipeline/describe_customers.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ describe_customers(
    customers=ref('stg_customers'),
    activity=ref('int_customer_activity')
) }}
