-- topic_terms numbers topics by how many items they dominate, and item_topics must agree: a
-- topic with a higher number never dominates more items than a lower one.
with sizes as (
    select distinct topic_id, dominant_items from {{ ref('topic_terms') }}
),

checked as (
    select
        topic_id,
        dominant_items,
        lag(dominant_items) over (order by topic_id) as previous_dominant_items
    from sizes
)

select * from checked
where dominant_items > previous_dominant_items
