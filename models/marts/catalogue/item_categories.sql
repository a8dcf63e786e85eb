-- The category of every accepted item, so that the category cap, the reasons, category spend
-- and cluster labels work on any catalogue: the category its source gave (its top level as
-- int_item_given_categories reads the path); else the top-level
-- category naive Bayes predicts for it at var retail_recs__category_min_probability or above
-- (item_category_predictions.is_used); else the label of its dominant topic (item_topics);
-- else 'Uncategorized' (an item without any term).
with items as (
    select stg_items.item_id, stg_items.category, given.given_category
    from {{ ref('stg_items') }} as stg_items
    inner join {{ ref('int_item_given_categories') }} as given
        on stg_items.item_id = given.item_id
),

predictions as (
    select item_id, predicted_category
    from {{ ref('item_category_predictions') }}
    where is_used
),

topic_labels as (
    select topic_id, topic_label
    from {{ ref('topic_terms') }}
    where term_rank = 1
),

dominant_topics as (
    select
        item_topics.item_id,
        item_topics.topic_id,
        topic_labels.topic_label
    from {{ ref('item_topics') }} as item_topics
    inner join topic_labels
        on item_topics.topic_id = topic_labels.topic_id
    where item_topics.is_dominant
),

final as (
    select
        items.item_id,
        items.category as given_category,
        predictions.predicted_category,
        dominant_topics.topic_id,
        dominant_topics.topic_label,
        coalesce(
            items.category,
            predictions.predicted_category,
            dominant_topics.topic_label,
            {{ uncategorized() }}
        ) as category,
        coalesce(
            items.given_category,
            predictions.predicted_category,
            dominant_topics.topic_label,
            {{ uncategorized() }}
        ) as category_top,
        case
            when items.category is not null then 'given'
            when predictions.predicted_category is not null then 'predicted'
            when dominant_topics.topic_label is not null then 'topic'
            else 'none'
        end as category_source
    from items
    left join predictions
        on items.item_id = predictions.item_id
    left join dominant_topics
        on items.item_id = dominant_topics.item_id
)

select * from final
