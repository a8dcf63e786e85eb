-- Evaluation replay of int_user_term_profiles on the events up to the evaluation cutoff (same macro, training inputs),
-- for the customers it scores only (eval_truth).
-- Item terms and topics come from the catalogue text alone, so the production int_item_content_terms serves.
{{ build_user_term_profiles(
    interactions=ref('eval_fct_interactions'),
    item_terms=ref('int_item_content_terms'),
    customers=ref('eval_dim_customers'),
    items=ref('eval_dim_items'),
    for_customers=ref('eval_truth')
) }}
