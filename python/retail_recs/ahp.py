"""Analytic Hierarchy Process: criterion weights from a marketer's pairwise comparisons.

What this module adds to NumPy's eigen-decomposition (``numpy.linalg.eig``):

- ``comparison_matrix``: the reciprocal matrix from rows "criterion a is `importance` times
  as important as b" (Saaty's 1-9 scale), with errors that name the offending row.
- ``priorities``: the weights (the principal eigenvector, summing to 1), λmax, and Saaty's
  consistency ratio CR = ((λmax - n) / (n - 1)) / RI(n), with his random indices RI.
- ``checked_priorities``: the weights, or an error when CR exceeds the limit that names the
  ratio and the most inconsistent pair (the comparison furthest, in log terms, from the
  ratio of the weights it implies), which is the judgment to revisit first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Saaty's random consistency index: the mean CI of random reciprocal matrices of order n
# (Saaty 1980, Table 1.7); a matrix of order 1 or 2 is always consistent.
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
SCALE_MIN, SCALE_MAX = 1.0 / 9.0, 9.0


@dataclass(frozen=True)
class Priorities:
    """Criterion weights (summing to 1, in ``criteria`` order), λmax and the consistency
    ratio (0 for fewer than three criteria)."""

    criteria: tuple[str, ...]
    weights: np.ndarray
    lambda_max: float
    consistency_ratio: float


def comparison_matrix(
    rows: Sequence[tuple[str, str, float]], criteria: Sequence[str], source: str
) -> np.ndarray:
    """The n-by-n reciprocal matrix A (A[i, j] = importance of criterion i over j, A[j, i] =
    1 / A[i, j], A[i, i] = 1) from one row per unordered pair of ``criteria``.

    Raises
    ------
    ValueError
        Naming ``source`` and the row: an unknown criterion, a criterion compared with
        itself, a pair given twice, an importance outside [1/9, 9], or a missing pair.
    """
    index = {criterion: i for i, criterion in enumerate(criteria)}
    n = len(criteria)
    A = np.eye(n)
    seen: dict[frozenset, int] = {}
    for number, (a, b, importance) in enumerate(rows, start=1):
        where = f"{source}, row {number} ({a!r} vs {b!r})"
        unknown = [c for c in (a, b) if c not in index]
        if unknown:
            raise ValueError(f"{where}: unknown criterion {unknown[0]!r}; known: {list(criteria)}")
        if a == b:
            raise ValueError(f"{where}: a criterion is compared with itself")
        pair = frozenset((a, b))
        if pair in seen:
            raise ValueError(f"{where}: this pair was already compared in row {seen[pair]}")
        seen[pair] = number
        value = _number(importance)
        if not (np.isfinite(value) and SCALE_MIN - 1e-9 <= value <= SCALE_MAX + 1e-9):
            raise ValueError(f"{where}: importance must be in [1/9, 9] (Saaty), got {importance!r}")
        A[index[a], index[b]] = value
        A[index[b], index[a]] = 1.0 / value
    missing = [
        (criteria[i], criteria[j])
        for i in range(n)
        for j in range(i + 1, n)
        if frozenset((criteria[i], criteria[j])) not in seen
    ]
    if missing:
        raise ValueError(f"{source}: pairs not compared: {missing}")
    return A


def _number(value) -> float:
    """A seed cell as a float (a decimal or an integer column), NaN when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def priorities(A: np.ndarray, criteria: Sequence[str]) -> Priorities:
    """The principal right eigenvector of reciprocal matrix A, normalized to sum 1, its
    eigenvalue λmax, and CR = ((λmax - n) / (n - 1)) / RI(n) (Perron: a positive matrix has
    one largest real eigenvalue, with a positive eigenvector)."""
    n = A.shape[0]
    if n not in RANDOM_INDEX:
        raise ValueError(f"AHP needs 1 to {max(RANDOM_INDEX)} criteria, got {n}")
    values, vectors = np.linalg.eig(A)
    principal = int(np.argmax(values.real))
    lambda_max = float(values[principal].real)
    vector = np.abs(vectors[:, principal].real)
    weights = vector / vector.sum()
    ratio = 0.0 if n < 3 else max((lambda_max - n) / (n - 1), 0.0) / RANDOM_INDEX[n]
    return Priorities(tuple(criteria), weights, lambda_max, ratio)


def most_inconsistent_pair(A: np.ndarray, result: Priorities) -> tuple[str, str, float]:
    """The pair (a, b) whose judgment A[a, b] is furthest from the weights' ratio w_a / w_b
    (largest |ln(A[a, b] w_b / w_a)|), and that ratio, which would make it consistent."""
    w, n = result.weights, len(result.criteria)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    i, j = max(pairs, key=lambda p: abs(np.log(A[p] * w[p[1]] / w[p[0]])))
    return result.criteria[i], result.criteria[j], float(w[i] / w[j])


def checked_priorities(
    A: np.ndarray, criteria: Sequence[str], max_ratio: float, source: str
) -> Priorities:
    """``priorities``, or a ValueError when the consistency ratio exceeds ``max_ratio``,
    naming ``source``, the ratio and the most inconsistent pair."""
    result = priorities(A, criteria)
    if result.consistency_ratio > max_ratio:
        a, b, implied = most_inconsistent_pair(A, result)
        i, j = result.criteria.index(a), result.criteria.index(b)
        raise ValueError(
            f"{source}: consistency ratio {result.consistency_ratio:.3f} exceeds"
            f" {max_ratio:.2f} (var retail_recs__value_max_consistency_ratio); the most"
            f" inconsistent judgment is {a!r} vs {b!r} = {A[i, j]:.3g}, while the other"
            f" judgments imply about {implied:.3g}"
        )
    return result
