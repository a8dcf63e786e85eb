"""EASE: an item-item linear model that scores items from a customer's purchases.

Steck, "Embarrassingly Shallow Autoencoders for Sparse Data" (WWW 2019). With X the binary
customers x items matrix, the item weights solve

    min_B ||X - X B||² + λ ||B||²   subject to diag(B) = 0,

whose closed form is P = (XᵀX + λI)⁻¹, B_ij = -P_ij / P_jj (B_jj = 0). Scores are S = X B:
item j is suggested by every item the customer bought, weighted by how well that item
predicts j beyond what the others already explain. It is one dense m x m inverse, so only the
``max_items`` most-bought items are modelled (the others are left to the other recommenders).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from retail_recs import svd

DEFAULT_BLOCK_SIZE = 4096
# scipy multiplies a sparse block by a dense matrix one stored value at a time, adding a row
# of the dense matrix for each: with B in column tiles this wide, the rows it adds stay in
# cache, which made the product about twice as fast (4,096 customers x 5,000 items).
WEIGHT_TILE_COLUMNS = 512


def modelled_items(matrix: sparse.csr_matrix, max_items: int) -> np.ndarray:
    """Column indexes of the ``max_items`` items with most customers (ties: lower index),
    ascending; items nobody interacted with are never modelled."""
    counts = np.asarray((matrix > 0).sum(axis=0)).ravel()
    candidates = np.flatnonzero(counts)
    order = np.lexsort((candidates, -counts[candidates]))
    return np.sort(candidates[order[:max_items]])


def fit(binary: sparse.csr_matrix, l2: float) -> np.ndarray:
    """The EASE weight matrix B (float32, zero diagonal) of a binary customers x items matrix.

    Raises
    ------
    ValueError
        When ``l2`` is not positive (XᵀX alone is usually singular).
    """
    if not l2 > 0:
        raise ValueError(f"l2 must be positive, got {l2}")
    gram = (binary.T @ binary).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += l2
    precision = np.linalg.inv(gram)
    weights = -precision / np.diag(precision)
    np.fill_diagonal(weights, 0.0)
    return weights.astype(np.float32)


def top_n_items(
    binary: sparse.csr_matrix,
    weights: np.ndarray,
    exclude: sparse.csr_matrix | None,
    n: int,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> svd.IndexArrays:
    """The n best items per customer by S = X B, excluded items skipped. ``weights`` may be
    a column subset of B (items that may be suggested); columns index into it.

    Customers are scored ``block_size`` at a time as a sparse block of X times B, which costs
    nnz(X) x columns rather than customers x items x columns, one column tile of B at a time
    (``WEIGHT_TILE_COLUMNS``, in the precision scipy would multiply in anyway, so the sums
    are the same bit for bit); the selection is svd.select_top_n's (score descending, item
    index ascending), so memory is O(block_size x columns) and the result depends on neither
    the block size nor the tiles.
    """
    precision = np.result_type(binary.dtype, weights.dtype)
    tiles = [
        (first, np.ascontiguousarray(weights[:, first : first + WEIGHT_TILE_COLUMNS], precision))
        for first in range(0, weights.shape[1], WEIGHT_TILE_COLUMNS)
    ]
    parts = []
    for start in range(0, binary.shape[0], block_size):
        stop = min(start + block_size, binary.shape[0])
        block = binary[start:stop]
        scores = np.empty((stop - start, weights.shape[1]), dtype=np.float32)
        for first, tile in tiles:
            scores[:, first : first + tile.shape[1]] = block @ tile
        block_exclude = exclude[start:stop] if exclude is not None else None
        user, item, score, rank = svd.select_top_n(scores, n, block_exclude)
        parts.append((user + start, item, score, rank))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), np.empty(0, dtype=np.float32), empty.copy()
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))
