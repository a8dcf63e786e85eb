-- value_score is a weighted mean of percentiles: its weights must sum to 1 to stay in [0, 1].
select sum(weight) as total_weight
from {{ ref('value_criteria_weights') }}
having abs(sum(weight) - 1) > 1e-9
