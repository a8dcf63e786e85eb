-- Evaluation replay of dim_customers on the events up to the evaluation cutoff (same macros,
-- training inputs).
{%- set activity -%}
    ({{ summarize_customer_activity(
        totals=ref('eval_interaction_totals'),
        purchases=ref('eval_events_weighted')
    ) }})
{%- endset %}
{{ describe_customers(customers=ref('stg_customers'), activity=activity) }}
