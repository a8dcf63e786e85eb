-- Evaluation replay of fct_interactions on the events up to the evaluation cutoff (same macro, training inputs).
{{ aggregate_interactions(
    totals=ref('eval_interaction_totals'),
    items=ref('eval_dim_items'),
    customers=ref('eval_dim_customers'),
    as_of=eval_cutoff_timestamp()
) }}
