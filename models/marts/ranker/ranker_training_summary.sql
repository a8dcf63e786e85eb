-- What each ranker model learned from and how well: production's (int_ranker_model, trained
-- at the evaluation cutoff) and the evaluation's (eval_ranker_model, one window earlier), per
-- protocol. Candidate recall is the share of the label window's purchases among the
-- candidates, the ceiling of any ranker: of the training set, and for the evaluation's model
-- also of the candidates it is scored on (eval_truth) and of those within the budget that
-- production scores (macro within_candidate_budget, ranker_candidate_budget).
{%- set recall_sets = [
    ('training', 'production', ref('eval_ranker_features'), 'eval_truth'),
    ('training', 'evaluation', ref('eval_train_ranker_features'), 'eval_train_truth'),
    ('scoring', 'evaluation', ref('eval_ranker_features'), 'eval_truth'),
    ('budget', 'evaluation',
        within_candidate_budget(ref('eval_ranker_candidates'), ref('ranker_candidate_budget')), 'eval_truth'),
] %}

with models as (
    select 'production' as model_name, * from {{ ref('int_ranker_model') }}
    union all
    select 'evaluation' as model_name, * from {{ ref('eval_ranker_model') }}
),

recalls as (
    {%- for kind, model_name, candidates, truth in recall_sets %}
    {%- for protocol, condition in [('repeats_allowed', 'true'), ('new_items', 'not truth.bought_in_training')] %}
    select
        '{{ kind }}' as recall_kind,
        '{{ model_name }}' as model_name,
        '{{ protocol }}' as protocol,
        count(*) as purchases,
        count(candidates.user_id) as purchases_in_candidates
    from {{ ref(truth) }} as truth
    left join {{ candidates }} as candidates
        on truth.user_id = candidates.user_id
        and truth.item_id = candidates.item_id
    where {{ condition }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        models.model_name,
        models.protocol,
        models.status,
        models.training_customers,
        models.validation_customers,
        models.training_rows,
        models.positives,
        models.trees,
        models.train_ndcg,
        models.validation_ndcg,
        training.purchases_in_candidates
            / cast(nullif(training.purchases, 0) as {{ type_double() }}) as candidate_recall,
        scoring.purchases_in_candidates
            / cast(nullif(scoring.purchases, 0) as {{ type_double() }}) as scoring_candidate_recall,
        budget.purchases_in_candidates
            / cast(nullif(budget.purchases, 0) as {{ type_double() }}) as budget_candidate_recall
    from models
    left join recalls as training
        on models.model_name = training.model_name
        and models.protocol = training.protocol
        and training.recall_kind = 'training'
    left join recalls as scoring
        on models.model_name = scoring.model_name
        and models.protocol = scoring.protocol
        and scoring.recall_kind = 'scoring'
    left join recalls as budget
        on models.model_name = budget.model_name
        and models.protocol = budget.protocol
        and budget.recall_kind = 'budget'
)

select * from final
