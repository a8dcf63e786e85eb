"""Truncated-SVD recommendations: weight the interactions, factor them, score top-N blockwise.

The steps, each one function, on a users x items CSR matrix X of integer indexes:

1. ``weight_interactions``: X → W (affinity, binary, log1p or BM25 weights, never negative).
2. ``truncated_svd``: W ≈ U Σ Vᵀ with k factors; user factors P = U Σ, item factors Q = V.
3. ``top_n_items``: score(u, i) = P_u · Q_i, the n best items per user not in ``exclude``.
4. ``similar_items``: cos(i, j) = Q_i · Q_j / (‖Q_i‖ ‖Q_j‖), the n nearest items per item.

Ids, pandas and I/O stay outside (in the thin dbt Python model that calls these).

Bit-for-bit reproducibility: the same input, seed, BLAS library and BLAS thread count give
identical arrays. Steps 3 and 4 make this independent of ``block_size`` and ``n_threads``
too: BLAS kernels round differently for differently shaped products (measured with this
OpenBLAS: a row scored in products of 1, 7, 64 or 299 rows differs in the last bits from the
same row in a 300-row product), so every score comes from a product of one shape,
``GEMM_TILE_ROWS`` rows by ``GEMM_TILE_COLUMNS`` columns, the last tiles zero-padded. That
also keeps a score the same whichever columns its block needed (steps 3 and 4 prune
columns, see ``top_n_items``).
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

logger = logging.getLogger(__name__)

WEIGHTINGS = ("affinity", "binary", "log1p", "bm25")
# implicit's defaults for weighting the input of a matrix factorization (its lastfm example).
BM25_K1 = 100.0
BM25_B = 0.8
# PROPACK (Lanczos bidiagonalization) over ARPACK (Lanczos on XᵀX) and a randomized range
# finder; see truncated_svd.
SVD_SOLVER = "propack"
# The largest smaller side (customers or items with an interaction) decomposed exactly from
# its dense Gram matrix when PROPACK cannot: 5,000² float64 is 200 MB.
GRAM_MAX_SIDE = 5_000
# Factors and scores are float32; see truncated_svd.
FACTOR_DTYPE = np.float32
# Rows per score product (the fixed product shape that makes scores block-size independent).
# block_size is rounded up to a multiple of it. Measured at 100k x 20k, k = 64: 256-row
# products run about 1.3x faster than 64-row ones (fewer BLAS thread hand-offs).
GEMM_TILE_ROWS = 256
# Columns per score product, the other half of the fixed shape.
GEMM_TILE_COLUMNS = 512
# Head columns per recommended place: the longest-vector items every row scores first, whose
# n-th best score prunes the rest (see top_n_items). 8 against 4 or 16: 8.9 s against 11.8
# and 9.2 s for n = 150 at 10M events; n = 10 keeps its one-tile head at any of them.
HEAD_PER_N = 8
DEFAULT_BLOCK_SIZE = 2048
DEFAULT_THREADS = 2

IndexArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def weight_interactions(
    matrix: sparse.csr_matrix,
    weighting: str,
    *,
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> sparse.csr_matrix:
    """Weight a users x items interaction matrix before factorizing it.

    Every weighting first keeps the positive part: x_ui ← max(x_ui, 0), and drops the zeros
    from the sparsity structure. The warehouse's time-decayed affinity is negative where
    returns outweigh purchases; such a user-item pair is read as "no interest", not as a
    negative rating, so that the SVD does not learn "anti-preferences" from returns.

    - ``affinity``: w_ui = x_ui (the values as given).
    - ``binary``: w_ui = 1 (bought or not; heavy buyers and best sellers count once).
    - ``log1p``: w_ui = ln(1 + x_ui) (dampens repeat purchases, keeps their order).
    - ``bm25``: BM25 with items as documents and users as terms, as
      ``implicit.nearest_neighbours.bm25_weight`` is applied to the items x users matrix
      before a factorization (equal to ``bm25_weight(X.T, K1, B).T``)::

          w_ui = x_ui (K1 + 1) / (K1 L_i + x_ui) · idf_u
          L_i  = (1 - B) + B · len_i / mean(len)     len_i = Σ_u x_ui, mean over all items
          idf_u = ln(n_items / (1 + df_u))           df_u = number of items of user u

      The length norm L_i damps best sellers (long "documents"), idf_u damps users who bought
      much of the catalogue. As in implicit, idf_u is 0 for a user with n_items - 1 items and
      negative for one with all of them (irrelevant at catalogue scale); zeros are dropped.

    Parameters
    ----------
    matrix : csr_matrix
        Users x items interactions (rows are user indexes, columns item indexes).
    weighting : str
        One of ``WEIGHTINGS``.
    k1, b : float
        BM25 saturation and length normalization; used by ``bm25`` only.

    Returns
    -------
    csr_matrix
        float64 weights with the shape of ``matrix`` and no stored zeros.
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}; valid weightings: {WEIGHTINGS}")
    positive = _positive_part(_checked_csr(matrix, "matrix"))
    if weighting == "binary":
        positive.data[:] = 1.0
    elif weighting == "log1p":
        np.log1p(positive.data, out=positive.data)
    elif weighting == "bm25":
        positive = _bm25(positive, k1, b)
    logger.debug("weighted %s interactions with %s", positive.shape, weighting)
    return positive


def truncated_svd(
    matrix: sparse.csr_matrix, factors: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank-k truncated SVD: X ≈ U Σ Vᵀ, returned as user and item factors.

    With P = U Σ (users x k) and Q = V (items x k), ``P @ Q.T`` is the best rank-k
    approximation of X in the Frobenius norm (Eckart-Young), so score(u, i) = P_u · Q_i.
    Factors are sorted by descending singular value s_1 ≥ … ≥ s_k (Σ = diag(s)). Singular
    vectors are defined up to sign (u_j, v_j) → (-u_j, -v_j); each item factor column is
    flipped so that its largest-magnitude entry (lowest item index on a tie) is positive.

    Solver: ``scipy.sparse.linalg.svds(solver="propack")``, Lanczos bidiagonalization
    of X itself, started from a seeded vector v0 with a seeded ``rng`` (deterministic).
    Measured at 100k users x 20k items, 4.5M non-zeros, k = 64 on 2 idle cores: PROPACK
    1.9 s, converged to machine precision; ARPACK (Lanczos on the Gram matrix XᵀX, same
    singular values to 5e-15) 3.0 s; a randomized range finder (Halko et al.; QR-stabilized
    power iterations) 5.2 s for a 3% error in s_k with 10 extra vectors and 4 iterations, 13 s
    for 1.5% with 64 and 2: its single-threaded sparse x dense products dominate, and the
    slowly decaying spectrum of interaction data needs many vectors or iterations. PROPACK
    keeps up to 10k Lanczos vectors per side, (users + items) · 10k · 8 bytes (0.6 GB here).
    It makes many small BLAS calls and gains nothing from BLAS threads (1.9 s with one), but
    threads that share a core with another busy process stall it: 11-16 s with one core
    busy elsewhere, 3.2-3.9 s then with ``OPENBLAS_NUM_THREADS=1``.

    When k is more than half the smaller side (customers or items with an interaction: a
    shop that sold few items), Lanczos runs out of directions (PROPACK raised "invariant
    subspace of dimension 45" for k = 64 on a catalogue where 45 items sold), so the smaller
    side's Gram matrix is decomposed exactly instead (``_gram_svd``); so it is when PROPACK
    fails on a smaller side of at most GRAM_MAX_SIDE.

    Directions with a numerically zero s_j (rank(X) < k) carry no signal: their item factors are
    set to 0 (PROPACK does not return meaningful vectors for them) and a warning is logged.

    Factors are returned as float32: they halve the memory and double the speed of the
    users x items score products, and their relative rounding (6e-8) is far below the
    uncertainty of the scores themselves; the decomposition is computed in float64.

    Parameters
    ----------
    matrix : csr_matrix
        Weighted users x items matrix (see ``weight_interactions``).
    factors : int
        k, with 1 ≤ k < min(users, items).
    seed : int
        Seed of the Lanczos start vector.

    Returns
    -------
    user_factors : ndarray, float32, shape (users, k)
        P = U Σ.
    item_factors : ndarray, float32, shape (items, k)
        Q = V.
    singular_values : ndarray, float64, shape (k,)
        s_1 ≥ … ≥ s_k.
    """
    matrix = _checked_csr(matrix, "matrix")
    limit = min(matrix.shape)
    if isinstance(factors, bool) or not isinstance(factors, (int, np.integer)):
        raise ValueError(f"factors must be an integer, got {factors!r}")
    if not 1 <= factors < limit:
        raise ValueError(
            f"factors must satisfy 1 <= factors < min(matrix.shape) = {limit}, got {factors}"
        )
    if matrix.count_nonzero() == 0:
        raise ValueError("matrix has no non-zero entries to factorize")
    started = time.perf_counter()
    used_rows = np.flatnonzero(np.diff(matrix.indptr))
    used_columns = np.unique(matrix.indices)
    small_side = min(len(used_rows), len(used_columns))
    if 2 * factors > small_side:
        u, s, vt = _gram_svd(matrix, used_rows, used_columns, factors)
    else:
        rng = np.random.default_rng(seed)
        v0 = rng.standard_normal(matrix.shape[0])
        try:
            u, s, vt = svds(matrix.astype(np.float64), k=factors, solver=SVD_SOLVER, v0=v0, rng=rng)
        except np.linalg.LinAlgError as error:
            if small_side > GRAM_MAX_SIDE:
                raise ValueError(
                    f"the truncated SVD of a {matrix.shape} matrix failed ({error}); "
                    "lower var retail_recs__svd_factors"
                ) from error
            logger.warning("PROPACK failed (%s): exact SVD of the smaller side instead", error)
            u, s, vt = _gram_svd(matrix, used_rows, used_columns, factors)
    order = np.argsort(-s, kind="stable")
    u, s, v = u[:, order], s[order], vt[order].T
    negligible = s <= s[0] * np.finfo(np.float64).eps * max(matrix.shape)
    if negligible.any():
        logger.warning("rank of matrix < factors: %d zero singular values", negligible.sum())
        s = np.where(negligible, 0.0, s)
        v = np.where(negligible, 0.0, v)
    pivot = np.argmax(np.abs(v), axis=0)
    signs = np.where(v[pivot, np.arange(factors)] < 0, -1.0, 1.0)
    user_factors = np.ascontiguousarray(u * (s * signs), dtype=FACTOR_DTYPE)
    item_factors = np.ascontiguousarray(v * signs, dtype=FACTOR_DTYPE)
    logger.info(
        "truncated SVD of %s (%d non-zeros), k=%d: %.2f s",
        matrix.shape,
        matrix.nnz,
        factors,
        time.perf_counter() - started,
    )
    return user_factors, item_factors, s


def top_n_items(
    user_factors: np.ndarray,
    item_factors: np.ndarray,
    exclude: sparse.csr_matrix | None,
    n: int,
    block_size: int = DEFAULT_BLOCK_SIZE,
    n_threads: int = DEFAULT_THREADS,
) -> IndexArrays:
    """The n highest-scoring items per user, score(u, i) = P_u · Q_i, skipping excluded items.

    Users are scored ``block_size`` at a time by BLAS products, excluded items set to -∞,
    and the items of each row at or above a floor are sorted by (score descending, item index
    ascending); the first n are kept. The floor prunes, exactly: items are taken longest
    factor vector first, and the n-th best score f_u among the first of them (the head:
    ``HEAD_PER_N`` · n, in whole tiles of ``GEMM_TILE_COLUMNS``) is a lower bound of the
    row's n-th best. By Cauchy-Schwarz P_u · Q_i ≤ ‖P_u‖ ‖Q_i‖, so no item with
    ‖P_u‖ ‖Q_i‖ < f_u (a suffix of that order) can enter the top n, and each tile of
    ``GEMM_TILE_ROWS`` rows scores only the prefix its rows still need. Popular items have
    the longest factors, so that is a small share of the catalogue (measured on the 10M-event
    demo, 199,400 customers x 18,964 items, 48 factors: 6.8% of the scores for n = 10, in
    1.0 s; 53% for n = 150, in 8.9 s against 20.4 s with a one-tile head). A row without a
    positive bound (fewer than n items or no positive score in the head) needs every
    column, and so does its tile. Memory is O(block_size x items), never users x items. A
    user with fewer than n non-excluded items gets fewer rows; the output depends on
    neither ``block_size`` nor ``n_threads``.

    Parameters
    ----------
    user_factors : ndarray, shape (users, k)
        P from ``truncated_svd``.
    item_factors : ndarray, shape (items, k)
        Q from ``truncated_svd``.
    exclude : csr_matrix or None, shape (users, items)
        Items not to recommend (already bought): every stored non-zero entry.
    n : int
        Items per user, n ≥ 1.
    block_size : int
        Users per block, rounded up to a multiple of ``GEMM_TILE_ROWS``.
    n_threads : int
        Threads for the per-block selection. The score products use the process's BLAS
        threads (OpenBLAS: all cores unless ``OPENBLAS_NUM_THREADS`` says otherwise).

    Returns
    -------
    user_index, item_index : ndarray, int64
    score : ndarray, the factors' float dtype
    rank : ndarray, int64, 1..n within each user
        Flat arrays, ordered by user index, then rank.
    """
    user_factors, item_factors = _checked_factors(user_factors, item_factors)
    if exclude is not None:
        exclude = _checked_csr(exclude, "exclude")
        expected = (user_factors.shape[0], item_factors.shape[0])
        if exclude.shape != expected:
            raise ValueError(f"exclude has shape {exclude.shape}, expected {expected}")
        exclude = exclude.copy()
        exclude.eliminate_zeros()
    return _blockwise_top_n(user_factors, item_factors, exclude, n, block_size, n_threads)


def select_top_n(scores: np.ndarray, n: int, exclude: sparse.csr_matrix | None) -> IndexArrays:
    """The n best columns of each row of an already computed score block, excluded entries
    (stored non-zeros of ``exclude``, same shape) skipped; the selection and order of
    ``top_n_items`` (score descending, column ascending). ``scores`` is overwritten."""
    if exclude is not None:
        exclude = _checked_csr(exclude, "exclude")
    _mask_columns(scores, exclude, 0, scores.shape[0], 0, scores.shape[1])
    return _top_n_above(scores, _nth_largest(scores, n, np.empty_like(scores)), n, None)


def similar_items(
    item_factors: np.ndarray,
    n: int,
    block_size: int = DEFAULT_BLOCK_SIZE,
    n_threads: int = DEFAULT_THREADS,
) -> IndexArrays:
    """The n nearest other items of each item by cosine similarity in factor space.

    cos(i, j) = Q_i · Q_j / (‖Q_i‖ ‖Q_j‖), computed blockwise as Q̂_B Q̂ᵀ on row-normalized
    factors with the item itself excluded, ties broken by the lower item index. An item with
    an all-zero factor vector (no interactions) has no defined cosine: it gets no neighbours
    and is nobody's neighbour.

    Parameters
    ----------
    item_factors : ndarray, shape (items, k)
        Q from ``truncated_svd``.
    n : int
        Neighbours per item, n ≥ 1.
    block_size, n_threads : int
        As in ``top_n_items``.

    Returns
    -------
    item_index, similar_index : ndarray, int64
    similarity : ndarray, the factors' float dtype
    rank : ndarray, int64, 1..n within each item
        Flat arrays, ordered by item index, then rank.
    """
    item_factors, _ = _checked_factors(item_factors, item_factors, ("item_factors",) * 2)
    norms = np.linalg.norm(item_factors, axis=1)
    kept = np.flatnonzero(norms > 0)
    unit = item_factors[kept] / norms[kept, None]
    itself = sparse.eye(kept.size, format="csr", dtype=np.int8)
    rows, cols, similarity, rank = _blockwise_top_n(unit, unit, itself, n, block_size, n_threads)
    return kept[rows], kept[cols], similarity, rank


def _gram_svd(
    matrix: sparse.csr_matrix, used_rows: np.ndarray, used_columns: np.ndarray, factors: int
) -> tuple[np.ndarray, ...]:
    """The k largest singular triplets of X (u, s, vt, unsorted like ``svds``) from LAPACK's
    eigen-decomposition (``scipy.linalg.eigh``) of the Gram matrix of the smaller side of X
    restricted to its non-empty rows and columns (the others have zero singular vectors):
    XᵀX = V Σ² Vᵀ or XXᵀ = U Σ² Uᵀ, and the other side's vectors are X V / s or Xᵀ U / s.
    Eigenvalues within rounding of zero, and directions beyond the smaller side, give s = 0
    and zero vectors."""
    from scipy import linalg

    compact = matrix[used_rows][:, used_columns].astype(np.float64)
    items_side = compact.shape[1] <= compact.shape[0]
    gram = (compact.T @ compact) if items_side else (compact @ compact.T)
    values, vectors = linalg.eigh(gram.toarray())
    top = np.argsort(-values, kind="stable")[:factors]
    values, vectors = values[top], vectors[:, top]
    floor = max(values[0], 0.0) * np.finfo(np.float64).eps * max(compact.shape)
    s = np.sqrt(np.where(values > floor, values, 0.0))
    inverse = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    other = (compact @ vectors if items_side else compact.T @ vectors) * inverse
    found = len(s)
    u = np.zeros((matrix.shape[0], factors))
    v = np.zeros((matrix.shape[1], factors))
    u[used_rows, :found] = other if items_side else vectors
    v[used_columns, :found] = vectors if items_side else other
    return u, np.concatenate([s, np.zeros(factors - found)]), v.T


def _checked_csr(matrix: sparse.csr_matrix, name: str) -> sparse.csr_matrix:
    """``matrix`` as a csr_matrix, or a clear error."""
    if not sparse.issparse(matrix) or matrix.format != "csr":
        raise ValueError(f"{name} must be a scipy.sparse CSR matrix, got {type(matrix).__name__}")
    if matrix.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold booleans, integers or floats, got {matrix.dtype}")
    if not np.isfinite(matrix.data).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return sparse.csr_matrix(matrix)


def _checked_factors(
    left: np.ndarray, right: np.ndarray, names: tuple[str, str] = ("user_factors", "item_factors")
) -> tuple[np.ndarray, np.ndarray]:
    """Both factor matrices as C-contiguous float arrays of one dtype, or a clear error."""
    for name, factors in zip(names, (left, right), strict=True):
        if not isinstance(factors, np.ndarray) or factors.ndim != 2:
            raise ValueError(f"{name} must be a 2-d numpy array")
        if not np.issubdtype(factors.dtype, np.floating):
            raise ValueError(f"{name} must be floating point, got {factors.dtype}")
        if not np.isfinite(factors).all():
            raise ValueError(f"{name} holds NaN or infinite values")
    if left.shape[1] != right.shape[1]:
        raise ValueError(f"factor counts differ: {names} have {left.shape[1]} and {right.shape[1]}")
    dtype = np.result_type(left.dtype, right.dtype)
    return np.ascontiguousarray(left, dtype), np.ascontiguousarray(right, dtype)


def _positive_part(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """max(X, 0) in float64, without stored zeros (a copy; the input is left alone)."""
    positive = matrix.astype(np.float64)  # astype copies
    np.maximum(positive.data, 0.0, out=positive.data)
    positive.eliminate_zeros()
    return positive


def _bm25(positive: sparse.csr_matrix, k1: float, b: float) -> sparse.csr_matrix:
    """BM25 weights of a non-negative users x items matrix (formula in weight_interactions)."""
    n_users, n_items = positive.shape
    if positive.nnz == 0:
        return positive
    item_length = np.asarray(positive.sum(axis=0)).ravel()
    length_norm = (1.0 - b) + b * item_length / item_length.mean()
    idf = np.log(n_items / (1.0 + np.diff(positive.indptr)))
    user_of_entry = np.repeat(np.arange(n_users), np.diff(positive.indptr))
    x = positive.data
    positive.data = x * (k1 + 1.0) / (k1 * length_norm[positive.indices] + x) * idf[user_of_entry]
    positive.eliminate_zeros()
    return positive


def _blockwise_top_n(
    left: np.ndarray,
    right: np.ndarray,
    exclude: sparse.csr_matrix | None,
    n: int,
    block_size: int,
    n_threads: int,
) -> IndexArrays:
    """Top n columns of each row of left @ right.T minus ``exclude``, one block at a time,
    pruned by the Cauchy-Schwarz bound (see ``top_n_items``)."""
    for name, value in (("n", n), ("block_size", block_size), ("n_threads", n_threads)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    n_rows, n_cols = left.shape[0], right.shape[0]
    dtype = left.dtype
    tiles_per_block = math.ceil(block_size / GEMM_TILE_ROWS)
    block_rows = min(tiles_per_block * GEMM_TILE_ROWS, _round_up(max(n_rows, 1)))
    # Columns longest factor vector first, in tiles of GEMM_TILE_COLUMNS (zero-padded).
    right_norms = np.linalg.norm(right, axis=1).astype(np.float64)
    order = np.argsort(-right_norms, kind="stable")
    sorted_norms = right_norms[order]
    n_padded = _round_up(n_cols, GEMM_TILE_COLUMNS)
    right_tiles = np.zeros((n_padded // GEMM_TILE_COLUMNS, left.shape[1], GEMM_TILE_COLUMNS), dtype)
    for tile, lo in enumerate(range(0, n_cols, GEMM_TILE_COLUMNS)):
        columns = order[lo : lo + GEMM_TILE_COLUMNS]
        right_tiles[tile, :, : columns.size] = right[columns].T
    left_norms = np.linalg.norm(left, axis=1).astype(np.float64)
    # Rounding of float32 products and norms stays below k · eps of ‖P_u‖ ‖Q_i‖; four times
    # that keeps the pruning exact.
    slack = 1.0 + 4 * left.shape[1] * float(np.finfo(dtype).eps)
    if exclude is not None:
        position = np.empty(n_cols, dtype=np.int64)
        position[order] = np.arange(n_cols)
        exclude = sparse.csr_matrix(
            (exclude.data, position[exclude.indices], exclude.indptr), shape=exclude.shape
        )
    # The head: the columns every row scores first, for its floor. HEAD_PER_N columns per
    # place keep the floor close to the n-th best when n is large.
    head_columns = min(n_padded, _round_up(HEAD_PER_N * n, GEMM_TILE_COLUMNS))
    head = np.empty((block_rows, head_columns), dtype)
    partitioned = np.empty_like(head)
    scores = np.empty(block_rows * n_padded, dtype)
    tile_in = np.zeros((GEMM_TILE_ROWS, left.shape[1]), dtype=dtype)
    tile_out = np.empty((GEMM_TILE_ROWS, GEMM_TILE_COLUMNS), dtype=dtype)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    scored = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        for start in range(0, n_rows, block_rows):
            stop = min(start + block_rows, n_rows)
            rows = stop - start
            first = head[:rows]
            for column in range(0, head_columns, GEMM_TILE_COLUMNS):
                out = first[:, column : column + GEMM_TILE_COLUMNS]
                tile = right_tiles[column // GEMM_TILE_COLUMNS]
                _score_block(left, tile, start, stop, out, tile_in, tile_out)
            _mask_columns(first, exclude, start, stop, 0, n_cols)
            floor = _nth_largest(first, n, partitioned[:rows])
            # Each tile of rows scores the columns its own rows need, packed one after another.
            regions: list[tuple[int, np.ndarray]] = []
            used = 0
            for lo in range(0, rows, GEMM_TILE_ROWS):
                hi = min(lo + GEMM_TILE_ROWS, rows)
                norms = left_norms[start + lo : start + hi]
                width = max(head_columns, _needed_columns(floor[lo:hi], norms, sorted_norms, slack))
                region = scores[used : used + (hi - lo) * width].reshape(hi - lo, width)
                used += region.size
                region[:, :head_columns] = first[lo:hi]
                for column in range(head_columns, width, GEMM_TILE_COLUMNS):
                    out = region[:, column : column + GEMM_TILE_COLUMNS]
                    tile = right_tiles[column // GEMM_TILE_COLUMNS]
                    _score_block(left, tile, start + lo, start + hi, out, tile_in, tile_out)
                _mask_columns(region, exclude, start + lo, start + hi, head_columns, n_cols)
                regions.append((lo, region))
            scored += used
            selected = pool.map(
                _top_n_above,
                [region for _, region in regions],
                [floor[lo : lo + region.shape[0]] for lo, region in regions],
                itertools.repeat(n),
                itertools.repeat(order),
            )
            for (lo, _), (rows_, cols, values, rank) in zip(regions, selected, strict=True):
                parts.append((rows_ + start + lo, cols, values, rank))
    logger.debug(
        "top %d of %d x %d scores: %.2f s, %.1f%% of the scores computed",
        n,
        n_rows,
        n_cols,
        time.perf_counter() - started,
        100 * scored / max(n_rows * n_padded, 1),
    )
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), np.empty(0, dtype=dtype), empty.copy()
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def _nth_largest(scores: np.ndarray, n: int, scratch: np.ndarray) -> np.ndarray:
    """Each row's n-th largest score (-∞ when the row has fewer than n), via ``scratch``."""
    n_cols = scores.shape[1]
    if n > n_cols:
        return np.full(scores.shape[0], -np.inf, dtype=scores.dtype)
    np.copyto(scratch, scores)
    scratch.partition(n_cols - n, axis=1)
    return scratch[:, n_cols - n].copy()


def _needed_columns(
    floor: np.ndarray, row_norms: np.ndarray, sorted_norms: np.ndarray, slack: float
) -> int:
    """How many of the columns (sorted by length, longest first) a block must score: for
    each row those with slack · ‖P_u‖ ‖Q_i‖ ≥ its floor, rounded up to whole tiles."""
    n_padded = _round_up(sorted_norms.size, GEMM_TILE_COLUMNS)
    if not (floor > 0).all():  # a floor of 0 or less (or -∞) prunes nothing
        return n_padded
    shortest = floor.astype(np.float64) / (slack * row_norms)
    needed = np.searchsorted(-sorted_norms, -shortest, side="right")
    return min(n_padded, _round_up(max(int(needed.max()), 1), GEMM_TILE_COLUMNS))


def _round_up(count: int, multiple: int = GEMM_TILE_ROWS) -> int:
    """``count`` rounded up to a multiple of ``multiple``."""
    return math.ceil(count / multiple) * multiple


def _score_block(
    left: np.ndarray,
    right_t: np.ndarray,
    start: int,
    stop: int,
    out: np.ndarray,
    tile_in: np.ndarray,
    tile_out: np.ndarray,
) -> None:
    """out = left[start:stop] @ right_t (one column tile), by products of exactly
    GEMM_TILE_ROWS rows each."""
    for lo in range(start, stop, GEMM_TILE_ROWS):
        hi = lo + GEMM_TILE_ROWS
        if hi <= stop:
            np.matmul(left[lo:hi], right_t, out=out[lo - start : hi - start])
        else:  # the last, partial tile: same product shape, zero rows below
            tile_in[: stop - lo] = left[lo:stop]
            tile_in[stop - lo :] = 0
            np.matmul(tile_in, right_t, out=tile_out)
            out[lo - start :] = tile_out[: stop - lo]


def _mask_columns(
    block: np.ndarray,
    exclude: sparse.csr_matrix | None,
    start: int,
    stop: int,
    first_column: int,
    n_cols: int,
) -> None:
    """Set to -∞ the excluded entries and the zero padding (columns from ``n_cols``) of the
    block's columns from ``first_column`` on."""
    block[:, max(n_cols, first_column) :] = -np.inf
    if exclude is None:
        return
    indptr = exclude.indptr[start : stop + 1]
    rows = np.repeat(np.arange(stop - start), np.diff(indptr))
    columns = exclude.indices[indptr[0] : indptr[-1]]
    inside = (columns >= first_column) & (columns < block.shape[1])
    block[rows[inside], columns[inside]] = -np.inf


def _top_n_above(
    scores: np.ndarray, floor: np.ndarray, n: int, column_ids: np.ndarray | None
) -> IndexArrays:
    """Per row of ``scores``: the n largest finite entries among those at or above the row's
    ``floor``, by (score desc, column id asc). ``floor`` must not exceed the row's n-th
    largest score, or the row gets fewer. ``column_ids`` maps columns to ids (None: the
    column itself)."""
    n_cols = scores.shape[1]
    # Excluded entries are -∞: the smallest finite number as a floor keeps them out.
    floor = np.maximum(floor, np.finfo(scores.dtype).min)
    flat = np.flatnonzero(scores >= floor[:, None])
    rows, cols = np.divmod(flat, n_cols)
    values = scores.reshape(-1)[flat]
    ids = cols if column_ids is None else column_ids[cols]
    order = np.lexsort((ids, -values, rows))
    rows, ids, values = rows[order], ids[order], values[order]
    row_start = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else rows
    run_lengths = np.diff(np.r_[row_start, rows.size])
    rank = np.arange(rows.size) - np.repeat(row_start, run_lengths) + 1
    keep = rank <= n
    return rows[keep], ids[keep], values[keep], rank[keep]
