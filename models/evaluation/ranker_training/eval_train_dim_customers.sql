-- Ranker-training replay of dim_customers on the events up to the ranker's training cutoff (same macros,
-- training inputs).
{%- set activity -%}
    ({{ summarize_customer_activity(
        totals=ref('eval_train_interaction_totals'),
        purchases=ref('eval_train_events_weighted')
    ) }})
{%- endset %}
{{ describe_customers(customers=ref('stg_customers'), activity=activity) }}
