-- Offline ranking metrics of every recommender: the per-customer metrics of
-- int_eval_user_metrics averaged over the customers evaluated under each protocol, with
-- catalogue coverage, novelty and intra-list diversity. Formulas: _evaluation__models.yml.
-- Each mean comes with its 95% interval (macro mean_with_interval).
-- The list `recommendations` serves appears again as algorithm 'final': the rows of the
-- strategy recommendation_strategy chose for each protocol.
{%- set metric_columns = ['users_evaluated', 'users_with_list'] %}
{%- for metric in ranking_metric_means() %}
    {%- do metric_columns.extend([metric, metric ~ '_ci_low', metric ~ '_ci_high']) %}
{%- endfor %}
{%- do metric_columns.extend(['catalogue_coverage', 'novelty', 'intra_list_diversity']) %}
with user_metrics as (
    select * from {{ ref('int_eval_user_metrics') }}
),

strategies as (
    select protocol, strategy from {{ ref('recommendation_strategy') }}
),

by_algorithm as (
    select
        algorithm,
        protocol,
        k,
        {{ aggregate_ranking_metrics('first_listed_item_count') }}
    from user_metrics
    group by algorithm, protocol, k
),

final as (
    select * from by_algorithm
    union all
    select
        'final' as algorithm,
        by_algorithm.protocol,
        by_algorithm.k,
        {%- for column in metric_columns %}
        by_algorithm.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from by_algorithm
    inner join strategies
        on by_algorithm.protocol = strategies.protocol
        and by_algorithm.algorithm = strategies.strategy
)

select * from final
