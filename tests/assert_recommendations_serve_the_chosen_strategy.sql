-- When recommendation_strategy serves one algorithm alone, recommendations begins with that
-- algorithm's production list, item for item and in its order, for every customer it has a
-- list for (the other lists only fill the places it leaves). Returns each place that differs.
{%- set algorithms = blend_weights_var().keys() | list %}
with chosen as (
    select single_algorithm
    from {{ ref('recommendation_strategy') }}
    where protocol = 'repeats_allowed' and single_algorithm is not null
),

lists as (
    {%- for algorithm in algorithms %}
    select '{{ algorithm }}' as algorithm, user_id, item_id, rank
    from {{ ref('recommendations_' ~ algorithm) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select lists.algorithm, lists.user_id, lists.rank, lists.item_id, served.item_id as served_item_id
from lists
inner join chosen
    on lists.algorithm = chosen.single_algorithm
left join {{ ref('recommendations') }} as served
    on lists.user_id = served.user_id
    and lists.rank = served.rank
where served.item_id is null or served.item_id <> lists.item_id
