-- item_categories takes an item's topic label from its dominant topic: every item with topics
-- needs exactly one.
select item_id, sum(case when is_dominant then 1 else 0 end) as dominant_topics
from {{ ref('item_topics') }}
group by item_id
having sum(case when is_dominant then 1 else 0 end) <> 1
