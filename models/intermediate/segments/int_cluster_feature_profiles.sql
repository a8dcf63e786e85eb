-- How each k-means cluster differs from the whole on every clustering feature, in the space
-- k-means worked in (log(1 + x), standardized): the centroid there is the cluster's mean,
-- and back in original units it is exp(mean) - 1, a geometric-mean-like typical value.
{%- set features = column_list_var('retail_recs__cluster_features') %}
with clusters as (
    select * from {{ ref('int_customer_clusters') }}
),

features as (
    select * from {{ ref('customer_features') }}
),

logged as (
    {%- for feature in features %}
    select
        clusters.cluster_id,
        '{{ feature }}' as feature_name,
        ln(1 + greatest(features.{{ feature }}, 0)) as log_value
    from clusters
    inner join features
        on clusters.user_id = features.user_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

overall as (
    select
        feature_name,
        avg(log_value) as overall_mean,
        stddev_pop(log_value) as overall_sd
    from logged
    group by feature_name
),

by_cluster as (
    select cluster_id, feature_name, avg(log_value) as cluster_mean
    from logged
    group by cluster_id, feature_name
),

final as (
    select
        by_cluster.cluster_id,
        by_cluster.feature_name,
        exp(by_cluster.cluster_mean) - 1 as centroid_value,
        exp(overall.overall_mean) - 1 as overall_value,
        case
            when overall.overall_sd > 0
                then (by_cluster.cluster_mean - overall.overall_mean) / overall.overall_sd
            else 0
        end as z_score
    from by_cluster
    inner join overall
        on by_cluster.feature_name = overall.feature_name
)

select * from final
