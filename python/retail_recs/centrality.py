"""Item centrality: PageRank on the co-purchase graph, by SciPy sparse power iteration.

What this module adds to SciPy's sparse matrices (the issue allows SciPy power iteration in
place of NetworkX, which would be a new dependency and builds a Python object per edge):

- ``pagerank``: the stationary distribution of a random walk that follows a weighted edge
  with probability ``damping`` (to a neighbour in proportion to the edge's weight) and
  otherwise jumps to any node; a node without out-edges jumps anywhere (the usual handling
  of dangling nodes, as NetworkX and the original paper's example do).
- ``co_purchase_pagerank``: the graph of item_pairs (one unordered pair per row, weighted by
  co_count, each pair an edge both ways) with nodes in sorted item order.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

DEFAULT_DAMPING = 0.85
# Converged when the L1 change of the rank vector falls below this (NetworkX's default
# tolerance is 1e-6 per node); at most MAX_ITERATIONS steps (the error shrinks by the damping
# factor each step, so 0.85 reaches 1e-12 in about 170).
TOLERANCE = 1e-12
MAX_ITERATIONS = 1000


def pagerank(
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    n_nodes: int,
    damping: float = DEFAULT_DAMPING,
) -> np.ndarray:
    """PageRank of nodes 0..n_nodes-1 of a directed graph with weighted edges
    sources[e] -> targets[e] (parallel edges add up); the ranks are positive and sum to 1.

    Raises
    ------
    ValueError
        On a damping outside (0, 1), negative or non-finite weights, mismatched edge arrays,
        or a node id outside [0, n_nodes).
    """
    if not (0.0 < damping < 1.0):
        raise ValueError(
            f"damping must be in (0, 1) (var retail_recs__centrality_damping), got {damping!r}"
        )
    sources, targets = np.asarray(sources, np.int64), np.asarray(targets, np.int64)
    weights = np.asarray(weights, np.float64)
    if not (sources.shape == targets.shape == weights.shape):
        raise ValueError("sources, targets and weights must have one value per edge")
    if weights.size and (not np.isfinite(weights).all() or weights.min() < 0):
        raise ValueError("edge weights must be finite and non-negative")
    if sources.size and (
        min(sources.min(), targets.min()) < 0 or max(sources.max(), targets.max()) >= n_nodes
    ):
        raise ValueError(f"node ids must be in [0, {n_nodes})")
    if n_nodes == 0:
        return np.zeros(0)
    adjacency = sparse.csr_matrix((weights, (sources, targets)), shape=(n_nodes, n_nodes))
    out_weight = np.asarray(adjacency.sum(axis=1)).ravel()
    dangling = out_weight == 0
    # Row-stochastic transitions; the walk's step is r ↦ Pᵀ r.
    inverse = np.divide(1.0, out_weight, out=np.zeros(n_nodes), where=~dangling)
    transitions_t = (sparse.diags(inverse) @ adjacency).T.tocsr()
    rank = np.full(n_nodes, 1.0 / n_nodes)
    for _ in range(MAX_ITERATIONS):
        previous = rank
        rank = damping * (transitions_t @ previous + previous[dangling].sum() / n_nodes)
        rank += (1.0 - damping) / n_nodes
        rank /= rank.sum()
        if np.abs(rank - previous).sum() < TOLERANCE:
            break
    return rank


def co_purchase_pagerank(
    item_a: np.ndarray, item_b: np.ndarray, co_count: np.ndarray, damping: float = DEFAULT_DAMPING
) -> tuple[np.ndarray, np.ndarray]:
    """The items of the pairs (sorted) and their PageRank on the undirected graph whose edge
    a—b weighs co_count (stored as a→b and b→a)."""
    items, codes = np.unique(np.concatenate([item_a, item_b]), return_inverse=True)
    a, b = codes[: len(item_a)], codes[len(item_a) :]
    weights = np.asarray(co_count, np.float64)
    rank = pagerank(
        np.concatenate([a, b]),
        np.concatenate([b, a]),
        np.concatenate([weights, weights]),
        len(items),
        damping,
    )
    return items, rank
