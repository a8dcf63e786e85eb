{#- The ranker's candidates: the rows of `sources` (macro gather_ranker_sources) pivoted to
    one row per customer and item, with each source's rank and score side by side (NULL where
    that source did not retrieve the item).
    A compute budget: the ranker scores about `max_rows` candidates at most. With C customers
    in `budget_customers` (production's, at every cutoff, so that the evaluation measures the
    candidates production scores), each customer keeps at most max(`min_per_kind`,
    max_rows / 2C) items bought before and as many new ones (a long purchase history cannot
    crowd out the discovery list's candidates), the best by reciprocal rank fusion
    (Σ 1 / (60 + rank) over the sources that retrieved the item; Cormack et al., 2009).
    A shop with fewer customers than max_rows / 400 keeps every candidate. The budget is
    chosen on narrow (customer, item, score) rows before the wide pivot. Each source
    contributes its top `per_source` (sources may hold deeper lists for the published ones).
    candidate_rank is that fused place within the customer's kind (1 = best), by which the
    shop's evaluation chooses how many the ranker scores (model ranker_candidate_budget).
    Called by models int_ranker_candidates, eval_ranker_candidates and
    eval_train_ranker_candidates. -#}
{% macro gather_ranker_candidates(sources, per_source, max_rows, min_per_kind, budget_customers) %}
{#- Inline, not a CTE read twice, which DuckDB may materialize (54M rows at 10M events). -#}
{%- set retrieved = "(source = 'repurchase' or rank <= " ~ per_source ~ ")" %}
with budget as (
    select
        cast(greatest(
            {{ min_per_kind }},
            floor({{ max_rows }} / (2 * cast(greatest(count(*), 1) as {{ type_double() }})))
        ) as {{ dbt.type_bigint() }}) as per_kind
    from {{ budget_customers }}
),

fused as (
    select
        user_id,
        item_id,
        max(case when source = 'repurchase' then 1 else 0 end) = 1 as is_past_purchase,
        -- Rounded so that the engines' summation order cannot swap near-ties.
        round(coalesce(sum(cast(1 as {{ type_double() }}) / (60 + rank)), 0), 12) as fused_score
    from {{ sources }}
    where {{ retrieved }}
    group by user_id, item_id
),

kept as (
    select user_id, item_id, candidate_rank
    from (
        select
            fused.*,
            row_number() over (
                partition by user_id, is_past_purchase order by fused_score desc, item_id
            ) as candidate_rank
        from fused
    ) as ranked
    where candidate_rank <= (select per_kind from budget)
),

pivoted as (
    select
        sources.user_id,
        sources.item_id,
        {%- for source in ranker_sources() %}
        min(case when sources.source = '{{ source }}' then sources.rank end) as {{ source }}_rank,
        max(case when sources.source = '{{ source }}' then sources.score end) as {{ source }}_score,
        {%- endfor %}
        -- A source lists an item once per customer: a plain sum, not a distinct count, which
        -- would hold a set per group.
        cast(sum(case when sources.source <> 'repurchase' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as source_count,
        max(case when sources.source = 'repurchase' then 1 else 0 end) = 1 as is_past_purchase
    from {{ sources }} as sources
    -- A semi join, not an inner join: DuckDB pushes an aggregate below an inner join, and
    -- here that pivoted all 32M pairs before the join kept 10.7M (at 10M events: 49 s and a
    -- 3 GB spill, against 27 s).
    where {{ retrieved }}
        and exists (
            select 1
            from kept
            where kept.user_id = sources.user_id
                and kept.item_id = sources.item_id
        )
    group by sources.user_id, sources.item_id
),

-- The fused place joins the pivoted rows, not the source rows, which keeps the semi join.
final as (
    select
        pivoted.*,
        cast(kept.candidate_rank as {{ dbt.type_bigint() }}) as candidate_rank
    from pivoted
    inner join kept
        on pivoted.user_id = kept.user_id
        and pivoted.item_id = kept.item_id
)

select * from final
{% endmacro %}

{#- The candidates the ranker scores: those of `candidates` within the budget that the shop's
    evaluation chose (model ranker_candidate_budget: each customer's best candidates_per_kind
    per kind by candidate_rank; every candidate when it chose none or has no rows). -#}
{% macro within_candidate_budget(candidates, budget) %}
    (
        select candidates.*
        from {{ candidates }} as candidates
        cross join (
            select max(candidates_per_kind) as candidates_per_kind
            from {{ budget }}
            where is_chosen
        ) as chosen
        where chosen.candidates_per_kind is null
            or candidates.candidate_rank <= chosen.candidates_per_kind
    )
{% endmacro %}

{#- The rows of `scores` (a ranker's scores, one per customer, item and protocol) whose
    candidate in `candidates` is within the chosen budget (macro within_candidate_budget). -#}
{% macro scores_within_candidate_budget(scores, candidates, budget) %}
    (
        select scores.*
        from {{ scores }} as scores
        -- One candidate per customer and item, so the join repeats no score.
        inner join {{ within_candidate_budget(candidates, budget) }} as kept
            on scores.user_id = kept.user_id
            and scores.item_id = kept.item_id
    )
{% endmacro %}
