{#- The metric columns of recommendation_metrics and recommendation_metrics_by_segment: the
    per-customer metrics of int_eval_user_metrics averaged over a group of evaluated
    customers, each with its 95% confidence interval, plus coverage, novelty and diversity.
    first_listed_column counts each listed item once per group (first_listed_item_count
    overall, first_listed_segment_item_count per segment). Formulas:
    models/evaluation/_evaluation__models.yml. -#}
{% macro aggregate_ranking_metrics(first_listed_column) %}
        count(*) as users_evaluated,
        cast(sum(case when list_count > 0 then 1 else 0 end) as {{ dbt.type_bigint() }})
            as users_with_list,
        {%- for metric, per_customer in ranking_metric_means().items() %}
        {{ mean_with_interval(per_customer, metric) }},
        {%- endfor %}
        cast(sum({{ first_listed_column }}) as {{ type_double() }})
            / nullif(max(active_item_count), 0) as catalogue_coverage,
        sum(self_information_sum) / nullif(sum(list_count), 0) as novelty,
        avg(intra_list_diversity) as intra_list_diversity
{% endmacro %}

{#- The metrics that are means over customers, with the int_eval_user_metrics expression each
    averages. -#}
{% macro ranking_metric_means() %}
    {{ return({
        'precision': 'precision',
        'recall': 'recall',
        'ndcg': 'ndcg',
        'map': 'average_precision',
        'hit_rate': 'cast(case when has_hit then 1 else 0 end as ' ~ type_double() ~ ')',
        'mrr': 'reciprocal_rank',
    }) }}
{% endmacro %}

{#- avg(value) as name, and the normal 95% interval of that mean over the group's customers
    (mean ± z · sample standard deviation / √n) as name_ci_low and name_ci_high, clipped to
    the metric's range [0, 1]. The interval describes the customers as a sample: when the
    evaluation is capped (var retail_recs__eval_max_customers), it is where the mean over
    every customer is expected to lie. NULL for a single customer, whose spread is unknown. -#}
{% macro mean_with_interval(value, name) %}
        {%- set margin = z_95() ~ ' * stddev_samp(' ~ value ~ ') / sqrt(count(*))' %}
        avg({{ value }}) as {{ name }},
        case when count(*) > 1
            then greatest(0.0, avg({{ value }}) - {{ margin }}) end as {{ name }}_ci_low,
        case when count(*) > 1
            then least(1.0, avg({{ value }}) + {{ margin }}) end as {{ name }}_ci_high
{%- endmacro %}
