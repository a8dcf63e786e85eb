-- Each item's top-level category as the source gave it, NULL when it gave none: the labels
-- the category classifier learns from and the items it predicts.
select
    item_id,
    {{ dbt.split_part('category', string_var_literal('retail_recs__category_separator'), 1) }}
        as given_category
from {{ ref('stg_items') }}
