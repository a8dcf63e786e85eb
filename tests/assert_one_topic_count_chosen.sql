-- topic_terms and item_topics fit the one chosen topic count; none or two would break them.
-- topic_model_selection is empty only when the catalogue is too small for topics.
select count(*) as chosen
from {{ ref('topic_model_selection') }}
where is_chosen
having count(*) <> 1
    and (select count(*) from {{ ref('topic_model_selection') }}) > 0
