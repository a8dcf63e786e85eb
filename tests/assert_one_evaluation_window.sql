-- Every model of the evaluation reads its cutoff and test window from the chosen row of
-- eval_window, as a scalar: exactly one row must be chosen.
{{ config(tags=['evaluation']) }}

select count(*) as chosen_windows
from {{ ref('eval_window') }}
where is_chosen
having count(*) <> 1
