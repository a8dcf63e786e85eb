-- Evaluation replay of dim_customers on the events up to the evaluation cutoff (same macro, training inputs).
{{ describe_customers(customers=ref('stg_customers'), events=ref('eval_events_weighted')) }}
