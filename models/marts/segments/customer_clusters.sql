-- The k-means clusters (fitted in Python, int_customer_clusters) under an enforced contract.
with clusters as (
    select * from {{ ref('int_customer_clusters') }}
),

final as (
    select
        user_id,
        cluster_id,
        distance_to_centroid
    from clusters
)

select * from final
