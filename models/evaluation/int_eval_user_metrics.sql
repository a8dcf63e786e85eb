-- Offline ranking metrics of every recommender for each evaluated customer, protocol and
-- cut-off k (var retail_recs__eval_k_values), plus the per-list ingredients of the
-- catalogue-level metrics (coverage, novelty, diversity), so that recommendation_metrics and
-- recommendation_metrics_by_segment only aggregate. Formulas: _evaluation__models.yml.
{%- set k_values = eval_k_values() %}
{%- set max_k = k_values | max %}

with recommendations as (
    select * from {{ ref('eval_recommendations') }}
),

truth as (
    select * from {{ ref('eval_truth') }}
),

interactions as (
    select * from {{ ref('eval_fct_interactions') }}
),

items as (
    select * from {{ ref('eval_dim_items') }}
),

item_pairs as (
    select * from {{ ref('eval_item_pairs') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

k_values as (
    {{ integer_rows(k_values, 'k') }}
),

algorithms as (
    select distinct algorithm
    from recommendations
),

purchased_in_training as (
    select distinct
        user_id,
        item_id
    from interactions
    where has_purchased
),

catalogue as (
    select
        (select count(*) from items where is_active) as active_item_count,
        (select count(distinct user_id) from purchased_in_training) as training_purchaser_count
),

-- What counts as a correct recommendation: every item bought in the test window
-- (repeats_allowed), or only the items the customer had not bought in training (new_items).
protocol_truth as (
    select
        'repeats_allowed' as protocol,
        user_id,
        item_id
    from truth

    union all

    select
        'new_items' as protocol,
        user_id,
        item_id
    from truth
    where not bought_in_training
),

-- The customers evaluated under a protocol: those with at least one truth item in it. Every
-- algorithm is scored on all of them, listed or not.
evaluated_users as (
    select
        truth_counts.protocol,
        truth_counts.user_id,
        case
            when customer_rfm.user_id is null then 'No purchase yet'
            else customer_rfm.rfm_segment
        end as rfm_segment,
        truth_counts.truth_count
    from (
        select
            protocol,
            user_id,
            count(*) as truth_count
        from protocol_truth
        group by protocol, user_id
    ) as truth_counts
    left join customer_rfm
        on truth_counts.user_id = customer_rfm.user_id
),

-- The ideal DCG at k: hits at ranks 1 .. min(|T|, k), numbering the truth items 1 .. |T|.
ideal_dcg as (
    select
        numbered_truth.protocol,
        numbered_truth.user_id,
        k_values.k,
        sum(ln(2) / ln(numbered_truth.truth_position + 1)) as ideal_dcg
    from (
        select
            protocol,
            user_id,
            cast(row_number() over (partition by protocol, user_id order by item_id) as {{ dbt.type_bigint() }}) as truth_position
        from protocol_truth
    ) as numbered_truth
    inner join k_values
        on numbered_truth.truth_position <= k_values.k
    group by numbered_truth.protocol, numbered_truth.user_id, k_values.k
),

-- Each protocol's lists (eval_recommendations holds one set per protocol). new_items also
-- drops any item the customer purchased in training, so the protocol holds whatever the
-- lists contain; the rest keep their order.
protocol_lists as (
    select
        recommendations.protocol,
        recommendations.algorithm,
        recommendations.user_id,
        recommendations.item_id,
        recommendations.rank as list_rank
    from recommendations
    left join purchased_in_training
        on recommendations.protocol = 'new_items'
        and recommendations.user_id = purchased_in_training.user_id
        and recommendations.item_id = purchased_in_training.item_id
    where purchased_in_training.user_id is null
),

-- The evaluated customers' lists ranked 1.. again after the protocol's filter, cut at the
-- largest k, each item flagged as a hit when it is in the customer's truth.
list_hits as (
    select
        reranked.protocol,
        reranked.algorithm,
        reranked.user_id,
        reranked.item_id,
        reranked.rfm_segment,
        reranked.rank,
        case when protocol_truth.user_id is null then 0 else 1 end as hit
    from (
        select
            protocol_lists.protocol,
            protocol_lists.algorithm,
            protocol_lists.user_id,
            protocol_lists.item_id,
            evaluated_users.rfm_segment,
            cast(row_number() over (
                partition by protocol_lists.protocol, protocol_lists.algorithm, protocol_lists.user_id
                order by protocol_lists.list_rank, protocol_lists.item_id
            ) as {{ dbt.type_bigint() }}) as rank
        from protocol_lists
        inner join evaluated_users
            on protocol_lists.protocol = evaluated_users.protocol
            and protocol_lists.user_id = evaluated_users.user_id
    ) as reranked
    left join protocol_truth
        on reranked.protocol = protocol_truth.protocol
        and reranked.user_id = protocol_truth.user_id
        and reranked.item_id = protocol_truth.item_id
    where reranked.rank <= {{ max_k }}
),

-- Σ of basket Jaccard between each list item and the items ranked above it in the same list
-- (pairs absent from eval_item_pairs count 0, so only present pairs are joined).
similarity_to_higher_ranks as (
    select
        list_item.protocol,
        list_item.algorithm,
        list_item.user_id,
        list_item.rank,
        sum(basket_pairs.jaccard) as jaccard_to_higher_ranks
    from list_hits as list_item
    inner join list_hits as higher_item
        on list_item.protocol = higher_item.protocol
        and list_item.algorithm = higher_item.algorithm
        and list_item.user_id = higher_item.user_id
        and higher_item.rank < list_item.rank
    inner join item_pairs as basket_pairs
        on basket_pairs.context = 'basket'
        and basket_pairs.item_a = least(list_item.item_id, higher_item.item_id)
        and basket_pairs.item_b = greatest(list_item.item_id, higher_item.item_id)
    group by list_item.protocol, list_item.algorithm, list_item.user_id, list_item.rank
),

list_items as (
    select
        list_hits.protocol,
        list_hits.algorithm,
        list_hits.user_id,
        list_hits.item_id,
        list_hits.rfm_segment,
        list_hits.rank,
        list_hits.hit,
        sum(list_hits.hit) over (
            partition by list_hits.protocol, list_hits.algorithm, list_hits.user_id
            order by list_hits.rank
            rows between unbounded preceding and current row
        ) as hits_so_far,
        -ln(
            cast(coalesce(items.purchaser_count, 0) + 1 as {{ type_double() }})
            / (catalogue.training_purchaser_count + 1)
        ) / ln(2) as self_information,
        coalesce(similarity_to_higher_ranks.jaccard_to_higher_ranks, 0) as jaccard_to_higher_ranks
    from list_hits
    cross join catalogue
    left join items
        on list_hits.item_id = items.item_id
    left join similarity_to_higher_ranks
        on list_hits.protocol = similarity_to_higher_ranks.protocol
        and list_hits.algorithm = similarity_to_higher_ranks.algorithm
        and list_hits.user_id = similarity_to_higher_ranks.user_id
        and list_hits.rank = similarity_to_higher_ranks.rank
),

-- Every list item once per k it falls within, flagged when no evaluated customer before this
-- one (by user_id) has it in their top k, overall and within the segment: summing the flags
-- counts distinct items, which is what catalogue coverage needs.
list_items_at_k as (
    select
        list_items.*,
        k_values.k,
        case
            when cast(row_number() over (
                partition by list_items.protocol, list_items.algorithm, k_values.k, list_items.item_id
                order by list_items.user_id
            ) as {{ dbt.type_bigint() }}) = 1 then 1
            else 0
        end as first_listing,
        case
            when cast(row_number() over (
                partition by
                    list_items.protocol,
                    list_items.algorithm,
                    k_values.k,
                    list_items.rfm_segment,
                    list_items.item_id
                order by list_items.user_id
            ) as {{ dbt.type_bigint() }}) = 1 then 1
            else 0
        end as first_segment_listing
    from list_items
    inner join k_values
        on list_items.rank <= k_values.k
),

user_lists as (
    select
        protocol,
        algorithm,
        k,
        user_id,
        count(*) as list_count,
        sum(hit) as hit_count,
        min(case when hit = 1 then rank end) as first_hit_rank,
        sum(case when hit = 1 then ln(2) / ln(rank + 1) else 0 end) as dcg,
        sum(
            case when hit = 1 then cast(hits_so_far as {{ type_double() }}) / rank else 0 end
        ) as precision_sum_at_hits,
        sum(self_information) as self_information_sum,
        sum(jaccard_to_higher_ranks) as jaccard_sum,
        sum(first_listing) as first_listed_item_count,
        sum(first_segment_listing) as first_listed_segment_item_count
    from list_items_at_k
    group by protocol, algorithm, k, user_id
),

user_grid as (
    select
        algorithms.algorithm,
        evaluated_users.protocol,
        ideal_dcg.k,
        evaluated_users.user_id,
        evaluated_users.rfm_segment,
        evaluated_users.truth_count,
        ideal_dcg.ideal_dcg
    from evaluated_users
    inner join ideal_dcg
        on evaluated_users.protocol = ideal_dcg.protocol
        and evaluated_users.user_id = ideal_dcg.user_id
    cross join algorithms
),

user_metrics as (
    select
        user_grid.algorithm,
        user_grid.protocol,
        user_grid.k,
        user_grid.user_id,
        user_grid.rfm_segment,
        user_grid.truth_count,
        cast(coalesce(user_lists.list_count, 0) as {{ dbt.type_bigint() }}) as list_count,
        cast(coalesce(user_lists.hit_count, 0) as {{ dbt.type_bigint() }}) as hit_count,
        -- n (n - 1) is even, so the halving is exact with integer or float division.
        cast(
            coalesce(user_lists.list_count * (user_lists.list_count - 1) / 2, 0)
            as {{ dbt.type_bigint() }}
        ) as pair_count,
        user_lists.first_hit_rank,
        coalesce(user_lists.dcg, 0) as dcg,
        user_grid.ideal_dcg,
        coalesce(user_lists.precision_sum_at_hits, 0) as precision_sum_at_hits,
        coalesce(user_lists.self_information_sum, 0) as self_information_sum,
        coalesce(user_lists.jaccard_sum, 0) as jaccard_sum,
        cast(coalesce(user_lists.first_listed_item_count, 0) as {{ dbt.type_bigint() }})
            as first_listed_item_count,
        cast(coalesce(user_lists.first_listed_segment_item_count, 0) as {{ dbt.type_bigint() }})
            as first_listed_segment_item_count
    from user_grid
    left join user_lists
        on user_grid.algorithm = user_lists.algorithm
        and user_grid.protocol = user_lists.protocol
        and user_grid.k = user_lists.k
        and user_grid.user_id = user_lists.user_id
),

final as (
    select
        user_metrics.algorithm,
        user_metrics.protocol,
        user_metrics.k,
        user_metrics.user_id,
        user_metrics.rfm_segment,
        user_metrics.truth_count,
        user_metrics.list_count,
        user_metrics.hit_count,
        user_metrics.first_hit_rank,
        cast(user_metrics.hit_count as {{ type_double() }}) / user_metrics.k as precision,
        cast(user_metrics.hit_count as {{ type_double() }}) / user_metrics.truth_count as recall,
        user_metrics.dcg,
        user_metrics.ideal_dcg,
        -- At most 1 by definition; the clamp absorbs the last bit of float summation order,
        -- and the rounding the last bit of the engine's logarithm.
        least(1.0, round(user_metrics.dcg / user_metrics.ideal_dcg, 12)) as ndcg,
        least(
            1.0,
            user_metrics.precision_sum_at_hits / least(user_metrics.truth_count, user_metrics.k)
        ) as average_precision,
        coalesce(1 / cast(user_metrics.first_hit_rank as {{ type_double() }}), 0)
            as reciprocal_rank,
        user_metrics.self_information_sum,
        user_metrics.pair_count,
        user_metrics.jaccard_sum,
        case
            when user_metrics.pair_count > 0
                then 1 - user_metrics.jaccard_sum / user_metrics.pair_count
        end as intra_list_diversity,
        user_metrics.first_listed_item_count,
        user_metrics.first_listed_segment_item_count,
        catalogue.active_item_count,
        catalogue.training_purchaser_count,
        user_metrics.hit_count > 0 as has_hit
    from user_metrics
    cross join catalogue
)

select * from final
