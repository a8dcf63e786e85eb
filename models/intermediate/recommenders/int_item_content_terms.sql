-- The item side of content-based recommendations: each item's TF-IDF term weights
-- (int_item_terms) beside its topic weights (item_topics) as pseudo-terms 'topic:<id>', the
-- topics scaled by var retail_recs__content_topic_weight (0: terms alone). Normalised to unit
-- length per item again, so a customer profile's dot product with an item stays a cosine, and
-- two items of one topic match even when they share no word.
with terms as (
    select item_id, term, weight from {{ ref('int_item_terms') }}
),

topics as (
    select
        item_id,
        {{ dbt.concat(["'topic:'", "cast(topic_id as " ~ dbt.type_string() ~ ")"]) }} as term,
        topic_weight * {{ number_var('retail_recs__content_topic_weight') }} as weight
    from {{ ref('item_topics') }}
),

combined as (
    select item_id, term, weight from terms
    union all
    select item_id, term, weight from topics
    where weight > 0
),

final as (
    select
        item_id,
        term,
        -- Rounded like int_item_terms: engines' square roots differ in the last bit.
        round(weight / sqrt(sum(weight * weight) over (partition by item_id)), 12) as weight
    from combined
)

select * from final
