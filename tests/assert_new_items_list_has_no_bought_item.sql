-- The discovery list (recommendations_new_items) never holds an item the customer bought,
-- repeatable or not. Returns the offending rows.
select new_items.user_id, new_items.item_id
from {{ ref('recommendations_new_items') }} as new_items
inner join {{ ref('fct_interactions') }} as bought
    on new_items.user_id = bought.user_id
    and new_items.item_id = bought.item_id
where bought.has_purchased
