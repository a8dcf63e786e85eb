-- ranker_candidate_budget recomputes the replayed ranker's NDCG for each budget; at the chosen
-- budget it must equal what recommendation_metrics reports for the ranker (whose replayed
-- lists score the same candidates), or the budget was decided on a different metric.
-- Returns each protocol where they differ.
select budget.protocol, budget.ndcg, metrics.ndcg as metrics_ndcg
from {{ ref('ranker_candidate_budget') }} as budget
inner join {{ ref('recommendation_metrics') }} as metrics
    on metrics.algorithm = 'ranker'
    and metrics.protocol = budget.protocol
    and metrics.k = budget.k
where budget.is_chosen
    and abs(budget.ndcg - metrics.ndcg) > 1e-9
