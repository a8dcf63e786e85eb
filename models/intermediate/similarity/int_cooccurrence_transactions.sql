-- Built by macro cooccurrence_transactions (macros/pipeline/cooccurrence_transactions.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ cooccurrence_transactions(
    items=ref('dim_items'),
    basket_items=ref('fct_basket_items'),
    interactions=ref('fct_interactions')
) }}
