-- customer_clusters reads the one chosen k; none or two would break or blur it.
select count(*) as chosen
from {{ ref('cluster_selection') }}
where is_chosen
having count(*) <> 1
