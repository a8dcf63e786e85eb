-- PageRank is a probability distribution over the ranked items.
select sum(pagerank) as total_rank
from {{ ref('item_centrality') }}
having count(*) > 0 and abs(sum(pagerank) - 1) > 1e-9
