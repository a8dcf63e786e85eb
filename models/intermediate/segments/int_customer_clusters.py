"""k-means clusters of the customers who have ordered, at the k chosen in cluster_selection.
The mart customer_clusters publishes them under a contract (dbt enforces contracts on SQL
models only).

Features: var retail_recs__cluster_features of customer_features, log(1 + x) and
standardized; k-means++ with a fixed seed, so a rebuild on the same data gives the same
clusters. Cluster 0 is the largest.
"""

import numpy as np
import pyarrow as pa

from retail_recs import kmeans, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    chosen = dbt.ref("cluster_selection").filter("is_chosen").select("k").fetchall()
    buyers = (
        dbt.ref("customer_features").filter("order_count > 0").order("user_id").to_arrow_table()
    )
    if not chosen:  # too few distinct buyers to cluster (see cluster_selection)
        return pa.table(
            {
                "user_id": buyers.column("user_id").slice(0, 0),
                "cluster_id": pa.array([], pa.int64()),
                "distance_to_centroid": pa.array([], pa.float64()),
            }
        )
    ((k,),) = chosen
    standardized = kmeans.log_standardize(segments.complete_matrix(buyers, features))
    result = kmeans.kmeans(standardized.values, int(k), seed=int(dbt.config.get("seed")))
    return pa.table(
        {
            "user_id": buyers.column("user_id"),
            "cluster_id": pa.array(result.labels, type=pa.int64()),
            "distance_to_centroid": pa.array(np.round(result.distances, 10), type=pa.float64()),
        }
    )
