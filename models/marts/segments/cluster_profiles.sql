-- What each k-means cluster is, in a marketer's words: size, typical values in original
-- units, the dominant category and a generated label ("frequent, high-value, recent,
-- electronics") made of the terms (seed cluster_label_terms) of the features on which the
-- cluster stands out most, by at least var retail_recs__cluster_label_min_z standard
-- deviations, and the category that takes the largest share of its spend (items without a
-- category left out, so a catalogue without categories gets labels without one).
{%- set min_z = number_var('retail_recs__cluster_label_min_z') %}
{%- set typical_columns = ['recency_days', 'order_count', 'monetary_value',
                           'average_order_value', 'tenure_days', 'views_per_order'] %}
with clusters as (
    select * from {{ ref('customer_clusters') }}
),

features as (
    select * from {{ ref('customer_features') }}
),

feature_profiles as (
    select * from {{ ref('int_cluster_feature_profiles') }}
),

label_terms as (
    select * from {{ ref('cluster_label_terms') }}
),

category_spend as (
    select * from {{ ref('customer_category_spend') }}
),

sizes as (
    select
        clusters.cluster_id,
        count(*) as customer_count,
        {%- for column in typical_columns %}
        exp(avg(ln(1 + greatest(features.{{ column }}, 0)))) - 1 as typical_{{ column }},
        {%- endfor %}
        avg(clusters.distance_to_centroid) as mean_distance_to_centroid
    from clusters
    inner join features
        on clusters.user_id = features.user_id
    group by clusters.cluster_id
),

cluster_categories as (
    select
        clusters.cluster_id,
        category_spend.category_top,
        sum(category_spend.net_spend) as net_spend
    from clusters
    inner join category_spend
        on clusters.user_id = category_spend.user_id
    where category_spend.category_top <> {{ uncategorized() }}
    group by clusters.cluster_id, category_spend.category_top
),

top_category as (
    select
        cluster_id,
        category_top,
        net_spend / sum(case when net_spend > 0 then net_spend end)
            over (partition by cluster_id) as spend_share,
        cast(row_number() over (partition by cluster_id order by net_spend desc, category_top) as {{ dbt.type_bigint() }})
            as category_rank
    from cluster_categories
),

standout_terms as (
    select
        feature_profiles.cluster_id,
        label_terms.term,
        cast(row_number() over (
            partition by feature_profiles.cluster_id
            order by abs(feature_profiles.z_score) desc, feature_profiles.feature_name
        ) as {{ dbt.type_bigint() }}) as term_rank
    from feature_profiles
    inner join label_terms
        on feature_profiles.feature_name = label_terms.feature_name
        and label_terms.direction
            = case when feature_profiles.z_score > 0 then 'high' else 'low' end
    where abs(feature_profiles.z_score) >= {{ min_z }}
),

labels as (
    select
        cluster_id,
        {{ dbt.listagg('term', "', '", 'order by term_rank') }} as terms
    from standout_terms
    where term_rank <= 3
    group by cluster_id
),

final as (
    select
        sizes.cluster_id,
        {{ dbt.concat([
            "coalesce(labels.terms, 'typical')",
            "coalesce(" ~ dbt.concat(["', '", "lower(top_category.category_top)"]) ~ ", '')",
        ]) }} as label,
        sizes.customer_count,
        cast(sizes.customer_count as {{ type_double() }}) / sum(sizes.customer_count) over () as customer_share,
        {%- for column in typical_columns %}
        sizes.typical_{{ column }},
        {%- endfor %}
        top_category.category_top as top_category,
        top_category.spend_share as top_category_spend_share,
        sizes.mean_distance_to_centroid
    from sizes
    left join labels
        on sizes.cluster_id = labels.cluster_id
    left join top_category
        on sizes.cluster_id = top_category.cluster_id
        and top_category.category_rank = 1
)

select * from final
