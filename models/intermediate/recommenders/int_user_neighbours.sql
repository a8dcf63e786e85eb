-- Built by macro find_user_neighbours (macros/pipeline/find_user_neighbours.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ find_user_neighbours(
    interactions=ref('fct_interactions'),
    customers=ref('dim_customers')
) }}
