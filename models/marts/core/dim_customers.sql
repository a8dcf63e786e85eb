-- Built by macro describe_customers (macros/pipeline/describe_customers.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period. The activity is summed from the
-- pair totals (kept current by incremental runs) and the purchases, so this stays a cheap
-- rebuild that keeps user_index dense and ordered.
{%- set purchases -%}
    (select * from {{ ref('stg_events') }} where event_type = 'purchase')
{%- endset %}
{%- set activity -%}
    ({{ summarize_customer_activity(
        totals=ref('int_interaction_totals'),
        purchases=weigh_staged_events(purchases)
    ) }})
{%- endset %}
{{ describe_customers(customers=ref('stg_customers'), activity=activity) }}
