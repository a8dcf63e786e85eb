-- Built by macro describe_customers (macros/pipeline/describe_customers.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period. The activity comes summed per
-- customer from int_customer_activity (kept current by incremental runs), so this stays a
-- cheap rebuild that keeps user_index dense and ordered.
{{ describe_customers(customers=ref('stg_customers'), activity=ref('int_customer_activity')) }}
