-- How many candidates per customer the ranker scores, decided on this shop's own evaluation
-- window. The replayed ranker (eval_ranker_scores) scored every candidate of
-- eval_ranker_candidates; keeping only each customer's best B per kind (candidate_rank <= B,
-- the reciprocal-rank-fusion order of macro gather_ranker_candidates) and listing again gives
-- exactly the list a ranker scoring B would give, since a score depends on its row alone.
-- Each budget of a ladder (multiples of the longest list served or replayed) is compared
-- with every candidate, customer by customer, at the strategies' k (macro strategy_k). The
-- chosen budget is the smallest whose NDCG loses, at the lower end of its 95% interval, no
-- more than var retail_recs__ranker_budget_tolerance of the full NDCG on both protocols,
-- and so does every larger budget. Below var retail_recs__strategy_min_customers evaluated
-- customers the figures are too noisy to cut on, and every candidate is kept.
{%- set k = strategy_k() %}
{%- set tolerance = number_var('retail_recs__ranker_budget_tolerance') %}
{%- if tolerance < 0 or tolerance >= 1 %}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__ranker_budget_tolerance must be a share in [0, 1), got " ~ tolerance
    ) }}
{%- endif %}
{%- set minimum = number_var('retail_recs__strategy_min_customers') %}
{%- set list_length = [eval_list_length(), number_var('retail_recs__recommendations_per_user')] | max %}
{%- set ladder = [] %}
{%- for multiple in [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20] %}
    {%- do ladder.append((list_length * multiple) | round(0, 'ceil') | int) %}
{%- endfor %}
{%- set protocols = ['repeats_allowed', 'new_items'] %}

with candidate_ranks as (
    select user_id, item_id, candidate_rank
    from {{ ref('eval_ranker_candidates') }}
),

-- NULL stands for every candidate. Budgets at or above the deepest candidate would keep
-- every candidate too, and are left out.
budgets as (
    select cast(null as {{ dbt.type_bigint() }}) as candidates_per_kind
    {%- for budget in ladder | unique %}
    union all
    select cast({{ budget }} as {{ dbt.type_bigint() }}) as candidates_per_kind
    {%- endfor %}
),

tried_budgets as (
    select budgets.candidates_per_kind
    from budgets
    cross join (select max(candidate_rank) as candidate_rank from candidate_ranks) as deepest
    where budgets.candidates_per_kind is null
        or budgets.candidates_per_kind < deepest.candidate_rank
),

-- Every eligible candidate in the replayed ranker's order, under the rules of its lists.
ranker_order as (
    {%- for protocol in protocols %}
    select '{{ protocol }}' as protocol, listed.user_id, listed.item_id, listed.rank
    from (
        {{ recommend_from_ranker(
            scores=ref('eval_ranker_scores'),
            protocol=protocol,
            items=ref('eval_dim_items'),
            interactions=ref('eval_fct_interactions'),
            n=none
        ) }}
    ) as listed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

budget_lists as (
    select *
    from (
        select
            tried_budgets.candidates_per_kind,
            ranker_order.protocol,
            ranker_order.user_id,
            ranker_order.item_id,
            row_number() over (
                partition by tried_budgets.candidates_per_kind, ranker_order.protocol, ranker_order.user_id
                order by ranker_order.rank
            ) as list_rank
        from ranker_order
        inner join candidate_ranks
            on ranker_order.user_id = candidate_ranks.user_id
            and ranker_order.item_id = candidate_ranks.item_id
        inner join tried_budgets
            on tried_budgets.candidates_per_kind is null
            or candidate_ranks.candidate_rank <= tried_budgets.candidates_per_kind
    ) as listed
    where list_rank <= {{ k }}
),

-- What counts as a hit, as in int_eval_user_metrics: anything bought in the test window
-- (repeats_allowed), or only items not bought in training (new_items).
protocol_truth as (
    select 'repeats_allowed' as protocol, user_id, item_id
    from {{ ref('eval_truth') }}
    union all
    select 'new_items' as protocol, user_id, item_id
    from {{ ref('eval_truth') }}
    where not bought_in_training
),

-- NDCG at k as in int_eval_user_metrics: the ideal DCG puts min(|truth|, k) hits first.
ideal_dcg as (
    select protocol, user_id, sum(ln(2) / ln(truth_position + 1)) as ideal_dcg
    from (
        select
            protocol,
            user_id,
            row_number() over (partition by protocol, user_id order by item_id) as truth_position
        from protocol_truth
    ) as numbered
    where truth_position <= {{ k }}
    group by protocol, user_id
),

list_dcg as (
    select
        budget_lists.candidates_per_kind,
        budget_lists.protocol,
        budget_lists.user_id,
        sum(ln(2) / ln(budget_lists.list_rank + 1)) as dcg
    from budget_lists
    inner join protocol_truth
        on budget_lists.protocol = protocol_truth.protocol
        and budget_lists.user_id = protocol_truth.user_id
        and budget_lists.item_id = protocol_truth.item_id
    group by budget_lists.candidates_per_kind, budget_lists.protocol, budget_lists.user_id
),

-- Every evaluated customer under every budget, a customer without a hit at 0.
customer_ndcg as (
    select
        tried_budgets.candidates_per_kind,
        ideal_dcg.protocol,
        ideal_dcg.user_id,
        coalesce(list_dcg.dcg, 0) / ideal_dcg.ideal_dcg as ndcg
    from ideal_dcg
    cross join tried_budgets
    left join list_dcg
        on list_dcg.protocol = ideal_dcg.protocol
        and list_dcg.user_id = ideal_dcg.user_id
        and list_dcg.candidates_per_kind is not distinct from tried_budgets.candidates_per_kind
),

paired as (
    select
        budgeted.candidates_per_kind,
        budgeted.protocol,
        budgeted.user_id,
        budgeted.ndcg,
        every_candidate.ndcg as ndcg_every_candidate,
        budgeted.ndcg - every_candidate.ndcg as ndcg_difference
    from customer_ndcg as budgeted
    inner join customer_ndcg as every_candidate
        on budgeted.protocol = every_candidate.protocol
        and budgeted.user_id = every_candidate.user_id
        and every_candidate.candidates_per_kind is null
),

candidate_shares as (
    select
        tried_budgets.candidates_per_kind,
        cast(sum(
            case
                when tried_budgets.candidates_per_kind is null
                    or candidate_ranks.candidate_rank <= tried_budgets.candidates_per_kind then 1
                else 0
            end
        ) as {{ type_double() }}) / count(*) as candidate_share
    from candidate_ranks
    cross join tried_budgets
    group by tried_budgets.candidates_per_kind
),

scored as (
    select
        paired.candidates_per_kind,
        paired.protocol,
        count(*) as evaluated_customers,
        avg(paired.ndcg) as ndcg,
        avg(paired.ndcg_every_candidate) as ndcg_every_candidate,
        avg(paired.ndcg_difference) as ndcg_difference,
        avg(paired.ndcg_difference)
            - {{ z_95() }} * coalesce(stddev_samp(paired.ndcg_difference), 0) / sqrt(count(*))
            as ndcg_difference_ci_low,
        avg(paired.ndcg_difference)
            + {{ z_95() }} * coalesce(stddev_samp(paired.ndcg_difference), 0) / sqrt(count(*))
            as ndcg_difference_ci_high
    from paired
    group by paired.candidates_per_kind, paired.protocol
),

judged as (
    select
        scored.*,
        scored.evaluated_customers >= {{ minimum }}
            and scored.ndcg_difference_ci_low >= -{{ tolerance }} * scored.ndcg_every_candidate
            as is_within_tolerance
    from scored
),

-- A budget qualifies when both protocols were evaluated and each is within tolerance.
qualifying as (
    select candidates_per_kind
    from judged
    where candidates_per_kind is not null
    group by candidates_per_kind
    having count(*) = {{ protocols | length }}
        and min(case when is_within_tolerance then 1 else 0 end) = 1
),

largest_failing as (
    select max(tried_budgets.candidates_per_kind) as candidates_per_kind
    from tried_budgets
    left join qualifying
        on tried_budgets.candidates_per_kind = qualifying.candidates_per_kind
    where tried_budgets.candidates_per_kind is not null
        and qualifying.candidates_per_kind is null
),

-- The smallest qualifying budget above which every budget qualifies too (NULL: none).
chosen as (
    select min(qualifying.candidates_per_kind) as candidates_per_kind
    from qualifying
    cross join largest_failing
    where largest_failing.candidates_per_kind is null
        or qualifying.candidates_per_kind > largest_failing.candidates_per_kind
),

final as (
    select
        judged.protocol,
        judged.candidates_per_kind,
        candidate_shares.candidate_share,
        cast({{ k }} as {{ dbt.type_int() }}) as k,
        judged.evaluated_customers,
        judged.ndcg,
        judged.ndcg_difference,
        judged.ndcg_difference_ci_low,
        judged.ndcg_difference_ci_high,
        judged.is_within_tolerance,
        judged.candidates_per_kind is not distinct from chosen.candidates_per_kind as is_chosen,
        case
            when judged.evaluated_customers < {{ minimum }} then
                'Too little history to cut on: ' || cast(judged.evaluated_customers as {{ dbt.type_string() }})
                || ' evaluated customers, fewer than var retail_recs__strategy_min_customers ({{ minimum }})'
            when judged.candidates_per_kind is null then 'Every candidate, the reference'
            when judged.is_within_tolerance then
                'Within var retail_recs__ranker_budget_tolerance ({{ tolerance }}) of every candidate''s NDCG'
            else
                'May lose more than var retail_recs__ranker_budget_tolerance ({{ tolerance }}) of every candidate''s NDCG'
        end as reason
    from judged
    inner join candidate_shares
        on judged.candidates_per_kind is not distinct from candidate_shares.candidates_per_kind
    cross join chosen
)

select * from final
