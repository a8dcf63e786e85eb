"""Customer clustering: log-standardize RFM-style features, k-means, pick k by silhouette.

Customer features (order counts, amounts, days since the last order) are non-negative and
heavily right-skewed: a few wholesale buyers would own every cluster on the raw scale. The
steps, each one function, numpy arrays in and out (float64):

1. ``log_standardize``: x → z = (ln(1 + x) - mean) / sd per column, invertible by
   ``Standardized.to_original`` so that centroids can be reported in original units.
2. ``kmeans``: k-means++ seeding (greedy, as scikit-learn), Lloyd iterations, best of
   ``n_init`` runs, clusters renumbered by size so that cluster 0 is the largest.
3. ``silhouette_score`` and ``choose_k``: the k with the highest mean silhouette.
4. ``adjusted_rand_index``: agreement of two partitions, to check planted personas.

scikit-learn is not a dependency of this project; these follow its conventions (k-means++
with 2 + ln k local trials, relative tolerance, silhouette on a sample, singleton clusters
scoring 0) so that results are comparable. The same input and seed give identical output
for the same BLAS library and thread count.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

# Rows per distance product. Small products bound the temporary (rows x k) matrices and run
# on one BLAS thread (OpenBLAS threads only larger products), which matters on a shared
# machine: at 400k x 8 on 2 cores with another process busy, choose_k(2..8) + the final fit
# took 30 s with 16k-row products and 2 BLAS threads (a stalled thread holds up the other),
# 7.5 s with 2048-row ones; with one BLAS thread both took 5-6 s.
CHUNK_ROWS = 2048
SILHOUETTE_CHUNK_ROWS = 512
# Rows choose_k fits each candidate k on; see choose_k.
DEFAULT_FIT_SAMPLE_SIZE = 50_000


@dataclass(frozen=True, eq=False)
class Standardized:
    """Log1p-standardized features and the transform that produced them.

    Attributes
    ----------
    values : ndarray, shape (n, d)
        z = (ln(1 + max(x, 0)) - mean) / scale.
    mean : ndarray, shape (d,)
        Column means in log1p space.
    scale : ndarray, shape (d,)
        Column population standard deviations in log1p space; 1 for constant columns.
    """

    values: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Transform new rows with this mean and scale (no refit); see ``apply_standardization``."""
        return apply_standardization(X, self.mean, self.scale)

    def to_original(self, Z: np.ndarray) -> np.ndarray:
        """Map standardized rows back to original units: x = exp(z · scale + mean) - 1."""
        Z = _checked_matrix(Z, "Z")
        _check_columns(Z, self.mean.size, "Z")
        return np.expm1(Z * self.scale + self.mean)


@dataclass(frozen=True, eq=False)
class KMeansResult:
    """A k-means fit with canonical labels (cluster 0 is the largest).

    Attributes
    ----------
    labels : ndarray, int64, shape (n,)
        Cluster of each row, 0..k-1.
    centroids : ndarray, shape (k, d)
        Cluster means, in the space of the input.
    inertia : float
        Σ_i ‖z_i - c_{label_i}‖², the sum of squared ``distances``.
    iterations : int
        Lloyd iterations of the kept run.
    distances : ndarray, shape (n,)
        Euclidean distance of each row to its own centroid.
    """

    labels: np.ndarray
    centroids: np.ndarray
    inertia: float
    iterations: int
    distances: np.ndarray


@dataclass(frozen=True)
class KChoice:
    """One candidate number of clusters: its silhouette, inertia and whether it was chosen."""

    k: int
    silhouette: float
    inertia: float
    is_chosen: bool


def log_standardize(X: np.ndarray) -> Standardized:
    """ln(1 + x) per column, then standardize each column to mean 0 and sd 1.

    The inputs are counts, amounts and day spans, which are never negative; a negative value
    (a refund netted below zero, a data error) is clipped to 0 first so that the log is
    defined, and maps back to 0 in ``to_original``. The sd is the population sd (ddof 0). A
    constant column has no spread to scale: it gets scale 1 and becomes all zeros instead of
    a division by zero.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Finite feature values, n ≥ 1.

    Returns
    -------
    Standardized
        The standardized values with the mean and scale of the log1p space.
    """
    logged = np.log1p(np.maximum(_checked_matrix(X, "X"), 0.0))
    mean = logged.mean(axis=0)
    scale = logged.std(axis=0)
    constant = np.ptp(logged, axis=0) == 0
    # The mean of n equal floats can differ from them in the last bit: use the value itself.
    mean = np.where(constant, logged[0], mean)
    scale = np.where(constant, 1.0, scale)
    values = (logged - mean) / scale
    return Standardized(_frozen(values), _frozen(mean), _frozen(scale))


def apply_standardization(X: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """z = (ln(1 + max(x, 0)) - mean) / scale with a stored mean and scale.

    The transform of ``log_standardize`` for new rows (scoring, prediction): the training
    statistics are reused, never recomputed from the new rows.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Finite feature values.
    mean, scale : ndarray, shape (d,)
        From ``log_standardize`` (``Standardized.mean`` and ``Standardized.scale``).

    Returns
    -------
    ndarray, float64, shape (n, d)
    """
    X = _checked_matrix(X, "X")
    _check_columns(X, np.size(mean), "X")
    return (np.log1p(np.maximum(X, 0.0)) - mean) / scale


def kmeans(
    Z: np.ndarray,
    k: int,
    seed: int,
    n_init: int = 4,
    max_iter: int = 300,
    tol: float = 1e-8,
) -> KMeansResult:
    """k-means (Lloyd) with greedy k-means++ seeding, best of ``n_init`` runs.

    Seeding: the first centre is a uniformly drawn row; each further centre is the best of
    2 + ⌊ln k⌋ candidates drawn with probability ∝ D(x)² (the squared distance to the
    nearest centre so far), "best" meaning the lowest resulting potential Σ D(x)²
    (scikit-learn's greedy k-means++). Lloyd then alternates assignment and mean updates
    until the total squared centroid shift is at most ``tol`` times the mean column variance
    of ``Z`` (scikit-learn's relative tolerance; 0 once the labels stop changing) or
    ``max_iter`` iterations. A cluster left empty is re-seeded at the row farthest from its
    centroid. The run with the lowest inertia is kept (the first on a tie). All runs draw
    from one ``np.random.default_rng(seed)``: the same seed gives the same result.

    Squared distances are ‖x‖² - 2 x·c + ‖c‖² (one matrix product, clipped at 0), computed
    ``CHUNK_ROWS`` rows at a time; the reported distances and inertia are recomputed exactly
    as ‖x - c‖² for the final assignment.

    Clusters are renumbered by size, descending (ties: centroid coordinates ascending,
    lexicographically), so cluster 0 is the largest and the labelling does not depend on
    the order in which the centres were seeded.

    Parameters
    ----------
    Z : ndarray, shape (n, d)
        Finite rows, usually ``log_standardize(X).values``.
    k : int
        Clusters, 1 ≤ k ≤ the number of distinct rows.
    seed : int
        Seed of the k-means++ draws.
    n_init : int
        Seeded runs to keep the best of.
    max_iter : int
        Lloyd iterations per run at most.
    tol : float
        Relative tolerance on the centroid shift, ≥ 0.

    Returns
    -------
    KMeansResult
    """
    Z = _checked_matrix(Z, "Z")
    _check_positive_int(k, "k")
    _check_positive_int(n_init, "n_init")
    _check_positive_int(max_iter, "max_iter")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    _check_enough_distinct_rows(Z, k)
    return _fit(Z, k, seed, n_init, max_iter, tol)


def silhouette_score(
    Z: np.ndarray, labels: np.ndarray, sample_size: int = 4000, seed: int = 0
) -> float:
    """Mean silhouette coefficient s_i = (b_i - a_i) / max(a_i, b_i), Euclidean distances.

    a_i is the mean distance from row i to the other rows of its cluster, b_i the lowest mean
    distance to the rows of another cluster. A row alone in its cluster scores 0 (as in
    scikit-learn), as does a row with a_i = b_i = 0 (duplicates). With more than
    ``sample_size`` rows the score is computed on ``sample_size`` rows drawn uniformly
    without replacement with ``np.random.default_rng(seed)``, distances among the sample
    only (scikit-learn's ``sample_size``): O(sample_size²) work instead of O(n²).

    Parameters
    ----------
    Z : ndarray, shape (n, d)
        Finite rows.
    labels : array-like, shape (n,)
        Cluster of each row (any sortable labels).
    sample_size : int
        Rows to score at most.
    seed : int
        Seed of the sample.

    Returns
    -------
    float
        In [-1, 1].

    Raises
    ------
    ValueError
        If the (sampled) rows carry fewer than 2 distinct labels.
    """
    Z = _checked_matrix(Z, "Z")
    labels = np.asarray(labels)
    if labels.shape != (Z.shape[0],):
        raise ValueError(f"labels has shape {labels.shape}, expected ({Z.shape[0]},)")
    _check_positive_int(sample_size, "sample_size")
    if Z.shape[0] > sample_size:
        rows = np.random.default_rng(seed).choice(Z.shape[0], size=sample_size, replace=False)
        Z, labels = Z[rows], labels[rows]
    _, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    n_labels = int(codes.max()) + 1
    if n_labels < 2:
        raise ValueError("silhouette needs at least 2 distinct labels (in the sample)")
    return float(_silhouette_values(Z, codes, n_labels).mean())


def choose_k(
    Z: np.ndarray,
    k_values: Iterable[int],
    seed: int,
    sample_size: int = 4000,
    fit_sample_size: int | None = DEFAULT_FIT_SAMPLE_SIZE,
) -> list[KChoice]:
    """Fit k-means for each candidate k and choose the one with the highest silhouette.

    Every k is fitted with ``kmeans(rows, k, seed)``, all of Z is assigned to the fitted
    centroids, and the labels are scored with ``silhouette_score(Z, labels, sample_size,
    seed)``: the same seed, hence the same silhouette sample for every k. Ties go to the
    smaller k (fewer segments to explain).

    ``rows`` is Z itself, or, when Z has more than ``fit_sample_size`` rows, a uniform
    sample of ``fit_sample_size`` rows without replacement (``np.random.default_rng(seed)``,
    one sample for every k). Lloyd's cost is rows x iterations, and a k above the natural
    number of groups takes hundreds of iterations to settle: measured at 400k x 8 (5 blobs)
    on 2 cores, k = 2..8 took 65 s on all rows. Centroids from 50k rows are within sampling
    error of the full fit, which is all a silhouette comparison needs; fit the chosen k on
    all rows afterwards. ``None`` fits every candidate on all rows.

    Parameters
    ----------
    Z : ndarray, shape (n, d)
        Finite rows.
    k_values : iterable of int
        Candidates, each ≥ 2 (the silhouette needs two clusters) and below the number of
        distinct rows fitted on (with as many clusters as distinct rows every cluster is
        one point, and the silhouette says nothing). Duplicates are dropped.
    seed : int
        Seed of the fit sample, the fits and the silhouette sample.
    sample_size : int
        Rows scored by the silhouette at most.
    fit_sample_size : int or None
        Rows each candidate is fitted on at most; None for all rows.

    Returns
    -------
    list of KChoice
        One per distinct k, ascending; exactly one has ``is_chosen``. ``inertia`` is over
        all rows of Z (each to its nearest fitted centroid).

    Raises
    ------
    ValueError
        If there are no candidates, one is below 2 or not an integer, or one is at least
        the number of distinct rows fitted on.
    """
    Z = _checked_matrix(Z, "Z")
    candidates = _checked_k_values(k_values)
    rows = Z
    if fit_sample_size is not None:
        _check_positive_int(fit_sample_size, "fit_sample_size")
        if Z.shape[0] > fit_sample_size:
            sample = np.random.default_rng(seed).choice(Z.shape[0], fit_sample_size, replace=False)
            rows = Z[np.sort(sample)]
    _check_enough_distinct_rows(rows, candidates[-1] + 1)
    sq_norms = np.einsum("ij,ij->i", Z, Z)
    fits: list[tuple[int, float, float]] = []
    for k in candidates:
        started = time.perf_counter()
        result = _fit(rows, k, seed, n_init=4, max_iter=300, tol=1e-8)
        labels, _ = _assign(Z, sq_norms, result.centroids)
        inertia = float(_exact_sq_distances(Z, result.centroids, labels).sum())
        silhouette = silhouette_score(Z, labels, sample_size=sample_size, seed=seed)
        fits.append((k, silhouette, inertia))
        logger.info(
            "k=%d: silhouette %.4f, inertia %.6g, %d iterations on %d rows, %.2f s",
            k,
            silhouette,
            inertia,
            result.iterations,
            rows.shape[0],
            time.perf_counter() - started,
        )
    # max() keeps the first of equal maxima: candidates ascend, so ties go to the smaller k.
    chosen = max(range(len(fits)), key=lambda i: fits[i][1])
    return [
        KChoice(k, silhouette, inertia, i == chosen)
        for i, (k, silhouette, inertia) in enumerate(fits)
    ]


def adjusted_rand_index(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Adjusted Rand index of two partitions of the same items (Hubert and Arabie, 1985).

    From the contingency table n_ij (items in cluster i of ``a`` and cluster j of ``b``) with
    row sums a_i, column sums b_j and N = C(n, 2) pairs::

        index    = Σ_ij C(n_ij, 2)
        expected = Σ_i C(a_i, 2) · Σ_j C(b_j, 2) / N
        maximum  = (Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) / 2
        ARI      = (index - expected) / (maximum - expected)

    1 for identical partitions (whatever the label values), about 0 for independent ones,
    negative for less agreement than chance. When maximum = expected (both partitions one
    cluster, or both all singletons) they are identical and the ARI is 1, as in
    scikit-learn. The pair counts are exact integers.

    Parameters
    ----------
    a, b : array-like, shape (n,)
        Labels of any sortable type (ints, strings).

    Returns
    -------
    float
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"labels must be 1-d of one length, got shapes {a.shape} and {b.shape}")
    _, a_codes = np.unique(a, return_inverse=True)
    _, b_codes = np.unique(b, return_inverse=True)
    a_codes, b_codes = a_codes.reshape(-1), b_codes.reshape(-1)
    n_b = int(b_codes.max()) + 1 if b.size else 1
    table = np.bincount(a_codes * n_b + b_codes)
    index = _pairs(table)
    a_pairs = _pairs(np.bincount(a_codes))
    b_pairs = _pairs(np.bincount(b_codes))
    expected = a_pairs * b_pairs / math.comb(a.size, 2) if a.size >= 2 else 0.0
    maximum = (a_pairs + b_pairs) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def _fit(Z: np.ndarray, k: int, seed: int, n_init: int, max_iter: int, tol: float) -> KMeansResult:
    """``kmeans`` without the argument checks (choose_k checks once for all its fits)."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    sq_norms = np.einsum("ij,ij->i", Z, Z)
    shift_tol = tol * float(np.mean(np.var(Z, axis=0)))
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray, int] | None = None
    for _ in range(n_init):
        centroids = _kmeans_plusplus(Z, sq_norms, k, rng)
        centroids, iterations = _lloyd(Z, sq_norms, centroids, max_iter, shift_tol)
        labels, _ = _assign(Z, sq_norms, centroids)
        sq_distances = _exact_sq_distances(Z, centroids, labels)
        inertia = float(sq_distances.sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels, centroids, sq_distances, iterations)
    inertia, labels, centroids, sq_distances, iterations = best
    labels, centroids = _canonical_order(labels, centroids)
    logger.debug(
        "k-means k=%d on %s, %d runs: inertia %.6g, %.2f s",
        k,
        Z.shape,
        n_init,
        inertia,
        time.perf_counter() - started,
    )
    return KMeansResult(
        labels=_frozen(labels),
        centroids=_frozen(centroids),
        inertia=inertia,
        iterations=iterations,
        distances=_frozen(np.sqrt(sq_distances)),
    )


def _kmeans_plusplus(
    Z: np.ndarray, sq_norms: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-means++ centres (scikit-learn's ``_kmeans_plusplus`` without weights)."""
    n = Z.shape[0]
    trials = 2 + int(math.log(k))
    centres = np.empty((k, Z.shape[1]))
    first = int(rng.integers(n))
    centres[0] = Z[first]
    closest = _sq_distances_to(Z, sq_norms, Z[first : first + 1])[:, 0]
    potential = closest.sum()
    for c in range(1, k):
        if potential > 0:
            draws = rng.uniform(size=trials) * potential
            candidates = np.searchsorted(np.cumsum(closest), draws)
            np.minimum(candidates, n - 1, out=candidates)  # a draw past the rounded total
        else:  # every row sits on a centre (rounding): any row is as good as another
            candidates = rng.integers(n, size=trials)
        to_candidates = _sq_distances_to(Z, sq_norms, Z[candidates])
        np.minimum(to_candidates, closest[:, None], out=to_candidates)
        potentials = to_candidates.sum(axis=0)
        best = int(np.argmin(potentials))
        closest, potential = to_candidates[:, best].copy(), potentials[best]
        centres[c] = Z[candidates[best]]
    return centres


def _lloyd(
    Z: np.ndarray, sq_norms: np.ndarray, centroids: np.ndarray, max_iter: int, shift_tol: float
) -> tuple[np.ndarray, int]:
    """Lloyd iterations from ``centroids``; returns the last centroids and the iterations."""
    transposed = np.ascontiguousarray(Z.T)  # contiguous columns for the bincount sums
    for iteration in range(1, max_iter + 1):
        labels, sq_distances = _assign(Z, sq_norms, centroids)
        updated = _cluster_means(transposed, labels, sq_distances, centroids.shape[0])
        shift = float(((updated - centroids) ** 2).sum())
        centroids = updated
        if shift <= shift_tol:
            return centroids, iteration
    return centroids, max_iter


def _assign(
    Z: np.ndarray, sq_norms: np.ndarray, centroids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid of each row and the squared distance to it, CHUNK_ROWS at a time."""
    n = Z.shape[0]
    labels = np.empty(n, dtype=np.int64)
    sq_distances = np.empty(n)
    scaled = -2.0 * centroids.T
    centroid_sq_norms = np.einsum("ij,ij->i", centroids, centroids)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        # ‖x‖² is the same for every centroid: the argmin needs only ‖c‖² - 2 x·c.
        partial = Z[start:stop] @ scaled
        partial += centroid_sq_norms
        nearest = np.argmin(partial, axis=1)
        labels[start:stop] = nearest
        sq_distances[start:stop] = np.take_along_axis(partial, nearest[:, None], axis=1)[:, 0]
    sq_distances += sq_norms
    np.maximum(sq_distances, 0.0, out=sq_distances)
    return labels, sq_distances


def _cluster_means(
    transposed: np.ndarray, labels: np.ndarray, sq_distances: np.ndarray, k: int
) -> np.ndarray:
    """Mean of each cluster; an empty cluster is re-seeded at the farthest row first.

    A re-seeded row leaves its cluster (only clusters with other rows give one up), so the
    counts stay consistent and no cluster is emptied in turn. ``labels`` is updated in place.
    """
    counts = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        sq_distances = sq_distances.copy()
        for cluster in empty:
            donors = counts[labels] > 1
            farthest = int(np.argmax(np.where(donors, sq_distances, -1.0)))
            counts[labels[farthest]] -= 1
            counts[cluster] = 1
            labels[farthest] = cluster
            sq_distances[farthest] = -1.0  # never taken twice
        logger.debug("re-seeded %d empty clusters", empty.size)
    sums = np.stack([np.bincount(labels, weights=column, minlength=k) for column in transposed])
    return sums.T / counts[:, None]


def _exact_sq_distances(Z: np.ndarray, centroids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """‖z_i - c_{label_i}‖² by differences (no cancellation), CHUNK_ROWS at a time."""
    result = np.empty(Z.shape[0])
    for start in range(0, Z.shape[0], CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, Z.shape[0])
        difference = Z[start:stop] - centroids[labels[start:stop]]
        result[start:stop] = np.einsum("ij,ij->i", difference, difference)
    return result


def _sq_distances_to(Z: np.ndarray, sq_norms: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Squared distances of every row to a few points, (n, m), clipped at 0."""
    result = np.empty((Z.shape[0], points.shape[0]))
    scaled = -2.0 * points.T
    point_sq_norms = np.einsum("ij,ij->i", points, points)
    for start in range(0, Z.shape[0], CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, Z.shape[0])
        np.matmul(Z[start:stop], scaled, out=result[start:stop])
    result += sq_norms[:, None]
    result += point_sq_norms
    return np.maximum(result, 0.0, out=result)


def _canonical_order(labels: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber clusters by size descending, ties by centroid coordinates ascending."""
    k = centroids.shape[0]
    counts = np.bincount(labels, minlength=k)
    # lexsort's last key is the primary one.
    order = np.lexsort((*centroids.T[::-1], -counts))
    new_label = np.empty(k, dtype=np.int64)
    new_label[order] = np.arange(k)
    return new_label[labels], centroids[order]


def _silhouette_values(Z: np.ndarray, codes: np.ndarray, n_labels: int) -> np.ndarray:
    """Silhouette of every row of Z (codes 0..n_labels-1, each present), in cluster order.

    Rows are sorted by cluster so that the summed distance to each cluster is a segmented
    sum (``np.add.reduceat``) of each SILHOUETTE_CHUNK_ROWS-row block of distances.
    """
    order = np.argsort(codes, kind="stable")
    Z, codes = Z[order], codes[order]
    counts = np.bincount(codes, minlength=n_labels).astype(np.float64)
    starts = np.r_[0, np.cumsum(counts[:-1])].astype(np.int64)
    sq_norms = np.einsum("ij,ij->i", Z, Z)
    values = np.empty(Z.shape[0])
    for start in range(0, Z.shape[0], SILHOUETTE_CHUNK_ROWS):
        stop = min(start + SILHOUETTE_CHUNK_ROWS, Z.shape[0])
        rows = np.arange(stop - start)
        distances = np.sqrt(_sq_distances_to(Z, sq_norms, Z[start:stop]).T)
        distances[rows, np.arange(start, stop)] = 0.0  # a row's distance to itself
        totals = np.add.reduceat(distances, starts, axis=1)  # (rows, clusters)
        own = codes[start:stop]
        own_count = counts[own]
        a = totals[rows, own] / np.maximum(own_count - 1, 1)
        means = totals / counts
        means[rows, own] = np.inf
        b = means.min(axis=1)
        denominator = np.maximum(a, b)
        defined = (own_count > 1) & (denominator > 0)
        values[start:stop] = np.where(defined, (b - a) / np.where(defined, denominator, 1), 0)
    return values


def _pairs(counts: np.ndarray) -> int:
    """Σ C(c, 2) over the counts, as an exact Python integer."""
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _checked_k_values(k_values: Iterable[int]) -> list[int]:
    """Distinct candidate ks, ascending, each an integer ≥ 2."""
    candidates = list(k_values)
    if not candidates:
        raise ValueError("k_values is empty")
    for k in candidates:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
            raise ValueError(f"every k must be an integer >= 2, got {k!r}")
    return sorted({int(k) for k in candidates})


def _check_enough_distinct_rows(Z: np.ndarray, k: int) -> None:
    """Raise unless Z has at least k distinct rows (k-means needs k distinct centres).

    Collects distinct rows one at a time (O(n · d · k), no sort of the whole matrix).
    """
    remaining = np.ones(Z.shape[0], dtype=bool)
    for found in range(k):
        if not remaining.any():
            raise ValueError(f"k={k} needs at least {k} distinct rows; Z has {found}")
        row = Z[int(np.argmax(remaining))]
        remaining &= np.any(row != Z, axis=1)


def _checked_matrix(X: np.ndarray, name: str) -> np.ndarray:
    """``X`` as a float64 2-d array with at least one row, or a clear error."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array, got {X.ndim} dimensions")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold booleans, integers or floats, got {X.dtype}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {X.shape}")
    X = np.asarray(X, dtype=np.float64)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return X


def _check_columns(X: np.ndarray, expected: int, name: str) -> None:
    if X.shape[1] != expected:
        raise ValueError(f"{name} has {X.shape[1]} columns, expected {expected}")


def _check_positive_int(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _frozen(array: np.ndarray) -> np.ndarray:
    """The array, marked read-only: the result dataclasses are frozen, their arrays too."""
    array.setflags(write=False)
    return array
