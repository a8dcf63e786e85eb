-- int_clv_predictions serves the one chosen candidate; none or two would break or blur it.
-- clv_model_metrics is empty only when the validation window has no customer.
select count(*) as chosen
from {{ ref('clv_model_metrics') }}
where is_chosen
having count(*) <> 1
    and (select count(*) from {{ ref('clv_model_metrics') }}) > 0
