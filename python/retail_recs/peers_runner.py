"""One timed run of a peer library, inside the peers' own environment (``bench_peers``).

Usage (by the peers' Python, never the project's)::

    python peers_runner.py sar|als INTERACTIONS.csv --k 10 [--factors 48]

Prints one JSON line: the peer, customers, items, and the seconds to fit and to recommend
``k`` unseen items to every customer. It imports only the peer and what the peer needs
(numpy, pandas, scipy), so it runs where the project is not installed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
import pandas as pd

# 10,000 customers x 20,000 items of float64 scores: 1.6 GB at a time.
SAR_CUSTOMERS_PER_BATCH = 10_000


def run_sar(interactions: pd.DataFrame, k: int) -> tuple[float, float]:
    """Microsoft Recommenders' SAR: Jaccard item similarity from co-occurrence, scores =
    affinity times similarity (the project's item-CF recipe); the project's affinity is already
    time-decayed, so SAR's own decay is off."""
    from recommenders.models.sar.sar_singlenode import SARSingleNode

    model = SARSingleNode(
        col_user="user_id",
        col_item="item_id",
        col_rating="affinity",
        col_timestamp="last_interaction_at",
        similarity_type="jaccard",
        timedecay_formula=False,
        normalize=False,
    )
    started = time.perf_counter()
    model.fit(interactions)
    fitted = time.perf_counter()
    # SAR scores a dense customers-by-items matrix, so customers go in batches (rows arrive
    # sorted by customer): all at once, 200,000 x 20,000 at 10M events would be 32 GB.
    user_ids = interactions["user_id"].to_numpy()
    first_rows = np.flatnonzero(np.r_[True, user_ids[1:] != user_ids[:-1]])
    bounds = np.r_[first_rows[::SAR_CUSTOMERS_PER_BATCH], len(user_ids)]
    for low, high in itertools.pairwise(bounds):
        model.recommend_k_items(interactions.iloc[low:high], top_k=k, remove_seen=True)
    return fitted - started, time.perf_counter() - fitted


def run_als(interactions: pd.DataFrame, k: int, factors: int) -> tuple[float, float]:
    """implicit's alternating least squares on the customer-by-item affinity matrix, then
    the top ``k`` unseen items of every customer."""
    from implicit.als import AlternatingLeastSquares
    from scipy.sparse import csr_matrix
    from threadpoolctl import threadpool_limits

    users = interactions["user_id"].astype("category").cat.codes.to_numpy()
    items = interactions["item_id"].astype("category").cat.codes.to_numpy()
    matrix = csr_matrix(
        (interactions["affinity"].to_numpy(np.float32), (users, items)),
        shape=(users.max() + 1, items.max() + 1),
    )
    # implicit's own threads do the work; its documentation asks for BLAS on one.
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(factors=factors, random_state=0)
        started = time.perf_counter()
        model.fit(matrix, show_progress=False)
        fitted = time.perf_counter()
        model.recommend(np.arange(matrix.shape[0]), matrix, N=k, filter_already_liked_items=True)
    return fitted - started, time.perf_counter() - fitted


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("peer", choices=["sar", "als"])
    parser.add_argument("interactions")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--factors", type=int, default=48)
    args = parser.parse_args(argv)
    interactions = pd.read_csv(args.interactions, dtype={"user_id": str, "item_id": str})
    if args.peer == "sar":
        fit, recommend = run_sar(interactions, args.k)
    else:
        fit, recommend = run_als(interactions, args.k, args.factors)
    print(
        json.dumps(
            {
                "peer": args.peer,
                "customers": int(interactions["user_id"].nunique()),
                "items": int(interactions["item_id"].nunique()),
                "fit_seconds": fit,
                "recommend_seconds": recommend,
            }
        )
    )


if __name__ == "__main__":
    main()
