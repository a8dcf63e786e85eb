"""Gateway items: PageRank of every item on the co-purchase graph of item_pairs (basket
context, each pair an undirected edge weighted by its co_count), with damping var
retail_recs__centrality_damping. A high rank marks an item bought with many items that are
themselves bought with many: the entry points that lead to other purchases.

Thin on purpose: the math is retail_recs.centrality.
"""

import numpy as np
import pyarrow as pa

from retail_recs import centrality


def model(dbt, session):
    dbt.config(materialized="table")
    pairs = (
        dbt.ref("item_pairs")
        .filter("context = 'basket'")
        .select("item_a, item_b, co_count")
        .order("item_a, item_b")
        .fetchnumpy()
    )
    items, rank = centrality.co_purchase_pagerank(
        pairs["item_a"].astype(object),
        pairs["item_b"].astype(object),
        pairs["co_count"],
        damping=float(dbt.config.get("damping")),
    )
    position = {item: i for i, item in enumerate(items)}
    ends = np.array(
        [position[item] for item in np.concatenate([pairs["item_a"], pairs["item_b"]])],
        dtype=np.int64,
    )
    counts = np.concatenate([pairs["co_count"], pairs["co_count"]]).astype(np.float64)
    # Rank 1 = most central; ties (items of one symmetric component) in item order.
    order = np.lexsort((np.arange(len(items)), -np.round(rank, 15)))
    rank_position = np.empty(len(items), dtype=np.int64)
    rank_position[order] = np.arange(1, len(items) + 1)
    return pa.table(
        {
            "item_id": pa.array(items.tolist(), pa.string()),
            "pagerank": pa.array(np.round(rank, 15), pa.float64()),
            "centrality_rank": pa.array(rank_position, pa.int64()),
            "neighbour_count": pa.array(np.bincount(ends, minlength=len(items)), pa.int64()),
            "co_purchase_count": pa.array(
                np.bincount(ends, weights=counts, minlength=len(items)).astype(np.int64), pa.int64()
            ),
        }
    )
