-- int_ranker_features keeps the candidates of the one chosen budget, the same on both
-- protocols; two would blur which candidates production scores. A shop with no evaluated
-- customer has no rows, and every candidate is kept.
select count(distinct coalesce(candidates_per_kind, -1)) as chosen_budgets
from {{ ref('ranker_candidate_budget') }}
where is_chosen
having (
        count(distinct coalesce(candidates_per_kind, -1)) <> 1
        or count(*) <> (select count(distinct protocol) from {{ ref('ranker_candidate_budget') }})
    )
    and (select count(*) from {{ ref('ranker_candidate_budget') }}) > 0
