-- Each item's top-level category as the source gave it, NULL when it gave none: the labels
-- the category classifier learns from and the items it predicts.
select
    item_id,
    case when category_top <> {{ uncategorized() }} then category_top end as given_category
from {{ ref('dim_items') }}
