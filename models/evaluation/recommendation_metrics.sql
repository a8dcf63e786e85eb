-- Offline ranking metrics of every recommender: the per-customer metrics of
-- int_eval_user_metrics averaged over the customers evaluated under each protocol, with
-- catalogue coverage, novelty and intra-list diversity. Formulas: _evaluation__models.yml.
with user_metrics as (
    select * from {{ ref('int_eval_user_metrics') }}
),

final as (
    select
        algorithm,
        protocol,
        k,
        {{ aggregate_ranking_metrics('first_listed_item_count') }}
    from user_metrics
    group by algorithm, protocol, k
)

select * from final
