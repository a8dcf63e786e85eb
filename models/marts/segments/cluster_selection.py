"""Which k for the customer k-means: silhouette and inertia of each candidate k.

Thin on purpose: the features come from customer_features (customers who have ordered),
the math lives in retail_recs.kmeans. The chosen k is var retail_recs__cluster_k when set,
else the candidate in [k_min, k_max] with the highest silhouette.
"""

import pyarrow as pa

from retail_recs import kmeans, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    fixed_k = segments.config_value(dbt.config.get("fixed_k"))
    k_min = int(dbt.config.get("k_min"))
    k_max = int(dbt.config.get("k_max"))
    buyers = dbt.ref("customer_features").filter("order_count > 0").order("user_id")
    standardized = kmeans.log_standardize(
        segments.complete_matrix(buyers.to_arrow_table(), features)
    )
    k_values = [int(fixed_k)] if fixed_k is not None else list(range(k_min, k_max + 1))
    choices = kmeans.choose_k(standardized.values, k_values, seed=int(dbt.config.get("seed")))
    return pa.table(
        {
            "k": pa.array([choice.k for choice in choices], type=pa.int64()),
            "silhouette": pa.array([choice.silhouette for choice in choices], type=pa.float64()),
            "inertia": pa.array([choice.inertia for choice in choices], type=pa.float64()),
            "is_chosen": pa.array([choice.is_chosen for choice in choices], type=pa.bool_()),
        }
    )
