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
    values = segments.complete_matrix(buyers.to_arrow_table(), features)
    k_values = [int(fixed_k)] if fixed_k is not None else list(range(k_min, k_max + 1))
    # A silhouette needs 2 <= k < distinct customers: a small shop tries fewer k, and one
    # with fewer than 3 distinct buyers gets no clusters (an empty table, not an error).
    k_values = segments.feasible_cluster_counts(values, k_values)
    choices = (
        kmeans.choose_k(
            kmeans.log_standardize(values).values, k_values, seed=int(dbt.config.get("seed"))
        )
        if k_values
        else []
    )
    return pa.table(
        {
            "k": pa.array([choice.k for choice in choices], type=pa.int64()),
            "silhouette": pa.array([choice.silhouette for choice in choices], type=pa.float64()),
            "inertia": pa.array([choice.inertia for choice in choices], type=pa.float64()),
            "is_chosen": pa.array([choice.is_chosen for choice in choices], type=pa.bool_()),
        }
    )
