-- Every recommender's list as of the evaluation cutoff, in one table for the metrics: the
-- five SQL recommenders, SVD, EASE, the learned ranker and the final blend ('hybrid', and 'hybrid_uncapped'
-- without the category cap), each var
-- retail_recs__eval_list_length long, once per protocol: 'repeats_allowed' (the production
-- rules: repeatable items may come back) and 'new_items' (nothing the customer bought).
{%- set algorithms = ['item_cf', 'user_cf', 'content', 'popularity', 'buy_again', 'svd', 'ease', 'ranker', 'hybrid', 'hybrid_uncapped'] %}
{%- set protocols = {'repeats_allowed': '', 'new_items': '_new_items'} %}
with lists as (
    {%- for protocol, suffix in protocols.items() %}
    {%- set outer_last = loop.last %}
    {%- for algorithm in algorithms %}
    select
        '{{ protocol }}' as protocol,
        '{{ algorithm }}' as algorithm,
        user_id,
        item_id,
        rank,
        score
    from {{ ref('eval_recommendations_' ~ algorithm ~ suffix) }}
    {%- if not (outer_last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
),

final as (
    select
        protocol,
        algorithm,
        user_id,
        item_id,
        cast(rank as {{ dbt.type_int() }}) as rank,
        score
    from lists
)

select * from final
