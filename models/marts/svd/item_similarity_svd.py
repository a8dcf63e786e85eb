"""Each item's nearest neighbours by cosine similarity of its SVD factors.

Complements the co-occurrence item_similarity: two items never bought together can still be
close when the same kind of customer buys them. It reads int_svd_factors (not the mart
svd_item_factors), so on Spark every Python model runs in one job between two SQL steps.
"""

import numpy as np
import pyarrow as pa

from retail_recs import svd


def model(dbt, session):
    dbt.config(materialized="table")
    factors = dbt.ref("int_svd_factors").filter("side = 'item'")
    items = dbt.ref("dim_items").select("item_id, item_index")
    rows = (
        factors.join(items, "factor_index = item_index")
        .order("item_index")
        .select("item_id, factors")
        .fetchnumpy()
    )
    item_ids = np.asarray(rows["item_id"], dtype=object)
    if len(item_ids) == 0:  # no SVD was fitted (build_warnings says why)
        item = neighbour = rank = np.zeros(0, dtype=np.int64)
        similarity = np.zeros(0)
    else:
        item_factors = np.vstack(rows["factors"]).astype(np.float32)
        item, neighbour, similarity, rank = svd.similar_items(
            item_factors, int(dbt.config.get("neighbours"))
        )
    return pa.table(
        {
            "item_id": pa.array(item_ids[item], type=pa.string()),
            "similar_item_id": pa.array(item_ids[neighbour], type=pa.string()),
            "similarity": pa.array(similarity.astype(np.float64)),
            "rank": pa.array(rank.astype(np.int64)),
        }
    )
