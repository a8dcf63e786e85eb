-- How well the propensity model ranks and how well its probabilities are calibrated, on the
-- customers it learned from ('training': features at two horizons before the as-of time,
-- outcome in the horizon after) and on the next, unseen horizon ('validation'), for the
-- calibrated probabilities customer_propensity serves. The calibrator learned from the
-- validation split, so its figures there are in-sample for the calibration (two parameters
-- for a sigmoid, a step function for isotonic); propensity_model_selection has every
-- candidate's validation figures before calibration.
-- AUC uses average ranks for tied probabilities (Mann-Whitney U).
with scores as (
    select * from {{ ref('int_propensity_scores') }}
    where snapshot in ('training', 'validation')
),

ranked as (
    select
        snapshot,
        cutoff_at,
        purchase_probability,
        case when ordered_in_horizon then 1 else 0 end as outcome,
        cast(rank() over (partition by snapshot order by purchase_probability) as {{ dbt.type_bigint() }})
            + cast(count(*) over (partition by snapshot, purchase_probability) - 1 as {{ type_double() }}) / 2
            as average_rank
    from scores
),

counts as (
    select
        snapshot,
        min(cutoff_at) as cutoff_at,
        count(*) as customers,
        sum(outcome) as buyers,
        sum(case when outcome = 1 then average_rank else 0 end) as buyer_rank_sum,
        avg(purchase_probability) as mean_probability,
        -avg(
            outcome * ln(greatest(purchase_probability, 1e-15))
            + (1 - outcome) * ln(greatest(1 - purchase_probability, 1e-15))
        ) as log_loss,
        avg((purchase_probability - outcome) * (purchase_probability - outcome)) as brier_score
    from ranked
    group by snapshot
),

training as (
    select cutoff_at as training_cutoff_at from counts where snapshot = 'training'
),

final as (
    select
        counts.snapshot as split,
        counts.cutoff_at,
        {{ dbt.dateadd('day', number_var('retail_recs__propensity_horizon_days'), 'counts.cutoff_at') }}
            as horizon_end_at,
        training.training_cutoff_at,
        counts.customers,
        counts.buyers,
        cast(counts.buyers as {{ type_double() }}) / counts.customers as buyer_rate,
        counts.mean_probability,
        case
            when counts.buyers > 0 and counts.buyers < counts.customers
                then (counts.buyer_rank_sum - cast(counts.buyers * (counts.buyers + 1) as {{ type_double() }}) / 2)
                    / (cast(counts.buyers as {{ type_double() }}) * (counts.customers - counts.buyers))
        end as auc,
        counts.log_loss,
        counts.brier_score
    from counts
    cross join training
)

select * from final
