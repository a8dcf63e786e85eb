-- customer_clusters reads the one chosen k; none or two would break or blur it. A shop with
-- too few distinct buyers has no candidate k at all (cluster_selection is empty; see
-- build_warnings), and then nothing is chosen.
select count(*) as chosen
from {{ ref('cluster_selection') }}
where is_chosen
having count(*) <> 1
    and (select count(*) from {{ ref('cluster_selection') }}) > 0
