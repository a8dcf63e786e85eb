-- Which list `recommendations` serves: the strategy with the highest NDCG at the list length
-- (var retail_recs__recommendations_per_user, or the nearest smaller evaluated k: macro
-- strategy_k) on this
-- shop's own evaluation window, among the blend ('hybrid'), the blend without the category
-- cap ('hybrid_uncapped'), the learned ranker and every blended algorithm alone. Ties go to the blend, then the
-- uncapped blend, then by name. With fewer evaluated customers than var
-- retail_recs__strategy_min_customers the scores are too noisy to choose on, and the blend
-- is kept. One row per protocol; production serves the repeats_allowed row.
{%- set candidates = (blend_weights_var().keys() | list) + ['ranker', 'hybrid', 'hybrid_uncapped'] %}
{%- set minimum = number_var('retail_recs__strategy_min_customers') %}

with user_metrics as (
    select protocol, algorithm, k, ndcg
    from {{ ref('int_eval_user_metrics') }}
    where algorithm in ('{{ candidates | join("', '") }}')
),

scores as (
    select
        protocol,
        algorithm,
        k,
        avg(ndcg) as ndcg,
        count(*) as evaluated_customers
    from user_metrics
    where k = {{ strategy_k() }}
    group by protocol, algorithm, k
),

ranked as (
    select
        *,
        cast(row_number() over (
            partition by protocol
            order by
                ndcg desc,
                case algorithm when 'hybrid' then 0 when 'hybrid_uncapped' then 1 else 2 end,
                algorithm
        ) as {{ dbt.type_bigint() }}) as position
    from scores
),

protocols as (
    select 'repeats_allowed' as protocol
    union all
    select 'new_items' as protocol
),

compared as (
    select
        protocols.protocol,
        best.algorithm as best_algorithm,
        best.ndcg as best_ndcg,
        runner_up.algorithm as runner_up,
        runner_up.ndcg as runner_up_ndcg,
        hybrid.ndcg as hybrid_ndcg,
        uncapped.ndcg as hybrid_uncapped_ndcg,
        coalesce(best.k, 0) as k,
        coalesce(best.evaluated_customers, 0) as evaluated_customers
    from protocols
    left join ranked as best
        on protocols.protocol = best.protocol and best.position = 1
    left join ranked as runner_up
        on protocols.protocol = runner_up.protocol and runner_up.position = 2
    left join ranked as hybrid
        on protocols.protocol = hybrid.protocol and hybrid.algorithm = 'hybrid'
    left join ranked as uncapped
        on protocols.protocol = uncapped.protocol and uncapped.algorithm = 'hybrid_uncapped'
),

chosen as (
    select
        *,
        case
            when evaluated_customers < {{ minimum }} then 'hybrid'
            else best_algorithm
        end as strategy
    from compared
),

final as (
    select
        protocol,
        strategy,
        case when strategy not in ('hybrid', 'hybrid_uncapped') then strategy end
            as single_algorithm,
        strategy = 'hybrid' as caps_categories,
        case strategy when best_algorithm then best_ndcg when 'hybrid' then hybrid_ndcg end as ndcg,
        best_algorithm,
        best_ndcg,
        runner_up,
        runner_up_ndcg,
        hybrid_ndcg,
        hybrid_uncapped_ndcg,
        cast(k as {{ dbt.type_int() }}) as k,
        evaluated_customers,
        case
            when evaluated_customers < {{ minimum }} then
                'Too little history to choose: ' || cast(evaluated_customers as {{ dbt.type_string() }})
                || ' evaluated customers, fewer than var retail_recs__strategy_min_customers ('
                || '{{ minimum }}); the blend is kept untested'
            when strategy = 'hybrid' then 'The blend scored best on the evaluation window'
            when strategy = 'hybrid_uncapped' then
                'The blend scored best without the category cap on the evaluation window'
            else strategy || ' alone scored better than the blend on the evaluation window'
        end as reason
    from chosen
)

select * from final
