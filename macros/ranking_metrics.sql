{#- The metric columns of recommendation_metrics and recommendation_metrics_by_segment: the
    per-customer metrics of int_eval_user_metrics averaged over a group of evaluated
    customers, plus coverage, novelty and diversity. first_listed_column counts each listed
    item once per group (first_listed_item_count overall, first_listed_segment_item_count per
    segment). Formulas: models/evaluation/_evaluation__models.yml. -#}
{% macro aggregate_ranking_metrics(first_listed_column) %}
        count(*) as users_evaluated,
        cast(sum(case when list_count > 0 then 1 else 0 end) as {{ dbt.type_bigint() }})
            as users_with_list,
        avg(precision) as precision,
        avg(recall) as recall,
        avg(ndcg) as ndcg,
        avg(average_precision) as map,
        avg(cast(case when has_hit then 1 else 0 end as {{ type_double() }})) as hit_rate,
        avg(reciprocal_rank) as mrr,
        cast(sum({{ first_listed_column }}) as {{ type_double() }})
            / nullif(max(active_item_count), 0) as catalogue_coverage,
        sum(self_information_sum) / nullif(sum(list_count), 0) as novelty,
        avg(intra_list_diversity) as intra_list_diversity
{% endmacro %}
