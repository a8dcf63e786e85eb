"""Benchmark: weighting, truncated SVD and top-N for all users on a synthetic matrix.

Usage::

    python -m retail_recs.bench_svd [--users 100000] [--items 20000] [--nnz 4500000]
        [--factors 64] [--top-n 10] [--weighting log1p] [--block-size 2048] [--threads 2]

The matrix has Zipf item popularity and a planted low-rank signal: users and items belong to
``--groups`` latent groups, and ``--signal`` of each user's interactions are drawn from the
items of the user's own group. Every user's interactions are excluded from its top-N, as
bought items are in the warehouse. Prints the wall time of each step, the score product's
throughput (2 · users · items · k flops over the top-N time), the top-N time against the bare
score products (the same GEMMs with no masking or selection) and the peak resident memory.
Target on a 2-core machine at the defaults: SVD + top-10 for all users within 20 s.

OpenBLAS picks its kernels from the CPU unless ``OPENBLAS_CORETYPE`` forces one; compare
with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m retail_recs.bench_svd``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
from scipy import sparse

from retail_recs.svd import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_THREADS,
    WEIGHTINGS,
    similar_items,
    top_n_items,
    truncated_svd,
    weight_interactions,
)

# Share of the affinities that are negative (returns outweighing purchases).
NEGATIVE_SHARE = 0.02


def score_products(user_factors: np.ndarray, item_factors: np.ndarray, block_size: int) -> None:
    """Every user's scores P_B Qᵀ, block by block into one reused buffer, and nothing else:
    the floor that top_n_items' masking and selection add to."""
    item_factors_t = item_factors.T
    rows = min(block_size, user_factors.shape[0])
    block = np.empty((rows, item_factors.shape[0]), dtype=user_factors.dtype)
    for start in range(0, user_factors.shape[0], block_size):
        stop = min(start + block_size, user_factors.shape[0])
        np.matmul(user_factors[start:stop], item_factors_t, out=block[: stop - start])


def synthetic_interactions(
    users: int, items: int, nnz: int, groups: int, signal: float, seed: int
) -> sparse.csr_matrix:
    """A users x items affinity matrix with exactly ``nnz`` stored entries.

    Item popularity p_i ∝ 1 / rank_i (Zipf, random ranks). Each draw picks the user's group's
    items with probability ``signal`` (by popularity within the group), else any item (by
    popularity); draws repeat until ``nnz`` distinct pairs exist, then ``nnz`` of them are
    kept at random. Values are exponential affinities, ``NEGATIVE_SHARE`` of them negated.
    """
    if nnz > users * items:
        raise SystemExit(f"--nnz {nnz} exceeds users x items = {users * items}")
    rng = np.random.default_rng(seed)
    popularity = 1.0 / rng.permutation(np.arange(1, items + 1))
    item_group = rng.integers(0, groups, items)
    user_group = rng.integers(0, groups, users)
    # Items sorted by group, with each group's cumulative popularity, for in-group draws.
    by_group = np.argsort(item_group, kind="stable")
    cumulative = np.cumsum(popularity[by_group])
    group_edges = np.r_[0.0, cumulative][
        np.searchsorted(item_group[by_group], np.arange(groups + 1))
    ]
    overall = np.cumsum(popularity) / popularity.sum()
    keys = np.empty(0, dtype=np.int64)
    while keys.size < nnz:
        draws = int((nnz - keys.size) * 1.5) + 1
        user = rng.integers(0, users, draws)
        item = np.searchsorted(overall, rng.random(draws), side="right")
        in_group = rng.random(draws) < signal
        group = user_group[user[in_group]]
        low, high = group_edges[group], group_edges[group + 1]
        position = np.searchsorted(cumulative, low + rng.random(group.size) * (high - low))
        item[in_group] = by_group[np.minimum(position, items - 1)]
        keys = np.union1d(keys, user.astype(np.int64) * items + np.minimum(item, items - 1))
    keys = np.sort(rng.choice(keys, nnz, replace=False))
    values = rng.exponential(1.0, nnz)
    values[rng.random(nnz) < NEGATIVE_SHARE] *= -1
    return sparse.csr_matrix((values, (keys // items, keys % items)), shape=(users, items))


def blas_description() -> str:
    """The BLAS library and kernel threadpoolctl reports, when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return "; ".join(
        f"{pool.get('internal_api')} {pool.get('version')} {pool.get('architecture')} "
        f"x{pool.get('num_threads')}"
        for pool in blas
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--nnz", type=int, default=4_500_000)
    parser.add_argument("--groups", type=int, default=32)
    parser.add_argument("--signal", type=float, default=0.6)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--top-n", type=int, default=10)
    parser.add_argument("--weighting", choices=WEIGHTINGS, default="log1p")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--similar", action="store_true", help="also time similar_items")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"):
        print(f"{name}={os.environ.get(name, '(unset)')}")
    print(f"BLAS: {blas_description()}")

    def timed(label: str, step, *step_args, **step_kwargs):
        # CPU time / wall time shows how many cores a step kept busy (2 at most here).
        started, cpu_started = time.perf_counter(), time.process_time()
        result = step(*step_args, **step_kwargs)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        print(f"{label:<12} {seconds:7.2f} s   (CPU {cpu:6.2f} s, {cpu / seconds:4.2f} cores)")
        return result, seconds

    matrix, _ = timed(
        "generate",
        synthetic_interactions,
        args.users,
        args.items,
        args.nnz,
        args.groups,
        args.signal,
        args.seed,
    )
    print(f"matrix       {matrix.shape[0]} x {matrix.shape[1]}, {matrix.nnz} non-zeros")
    weighted, _ = timed("weighting", weight_interactions, matrix, args.weighting)
    (user_factors, item_factors, singular), svd_seconds = timed(
        "svd", truncated_svd, weighted, args.factors, args.seed
    )
    print(f"singular     s_1 = {singular[0]:.4g}, s_k = {singular[-1]:.4g}")
    recommendations, top_seconds = timed(
        f"top-{args.top_n}",
        top_n_items,
        user_factors,
        item_factors,
        matrix,
        args.top_n,
        block_size=args.block_size,
        n_threads=args.threads,
    )
    _, gemm_seconds = timed(
        "GEMM alone", score_products, user_factors, item_factors, args.block_size
    )
    flops = 2.0 * args.users * args.items * args.factors
    print(f"rows         {recommendations[0].size} recommendations")
    print(f"GEMM         {flops / top_seconds / 1e9:7.1f} GFLOP/s over the top-N time")
    print(f"top-N/GEMM   {top_seconds / gemm_seconds:7.2f}x the bare score products' time")
    print(f"svd+top-N    {svd_seconds + top_seconds:7.2f} s (target < 20 s)")
    if args.similar:
        timed("similar", similar_items, item_factors, args.top_n, block_size=args.block_size)
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS     {peak:7.2f} GiB")


if __name__ == "__main__":
    main()
