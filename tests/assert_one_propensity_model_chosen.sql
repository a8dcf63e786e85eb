-- int_propensity_scores refits the one chosen candidate; none or two would break or blur it.
-- A shop whose training snapshot has one outcome only fits no candidate
-- (propensity_model_selection is empty; see build_warnings), and then nothing is chosen.
select count(*) as chosen
from {{ ref('propensity_model_selection') }}
where is_chosen
having count(*) <> 1
    and (select count(*) from {{ ref('propensity_model_selection') }}) > 0
