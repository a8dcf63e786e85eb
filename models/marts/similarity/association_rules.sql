-- Market-basket rules X → Y over baskets, for analysts: every direction of every item pair
-- that clears the support, confidence and lift thresholds (vars retail_recs__association_*),
-- with item names so the table reads on its own.
with pairs as (
    select * from {{ ref('item_pairs') }}
    where context = 'basket'
),

items as (
    select item_id, name from {{ ref('dim_items') }}
),

directed as (
    select
        item_a as antecedent_item_id,
        item_b as consequent_item_id,
        co_count,
        item_a_count as antecedent_count,
        item_b_count as consequent_count,
        support,
        confidence_a_to_b as confidence,
        lift
    from pairs
    union all
    select
        item_b,
        item_a,
        co_count,
        item_b_count,
        item_a_count,
        support,
        confidence_b_to_a,
        lift
    from pairs
),

final as (
    select
        directed.antecedent_item_id,
        antecedents.name as antecedent_name,
        directed.consequent_item_id,
        consequents.name as consequent_name,
        directed.co_count,
        directed.antecedent_count,
        directed.consequent_count,
        directed.support,
        directed.confidence,
        directed.lift
    from directed
    inner join items as antecedents
        on directed.antecedent_item_id = antecedents.item_id
    inner join items as consequents
        on directed.consequent_item_id = consequents.item_id
    where directed.support >= {{ number_var('retail_recs__association_min_support') }}
        and directed.confidence >= {{ number_var('retail_recs__association_min_confidence') }}
        and directed.lift >= {{ number_var('retail_recs__association_min_lift') }}
)

select * from final
