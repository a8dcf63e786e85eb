"""Item text as a matrix: the warehouse's own tokens (int_item_terms and
int_item_description_terms, one row per item and term) as items-by-terms counts, which the
category classifier and the topic model read exactly as the content recommender does."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def term_matrix(
    items: list[str], term_items: np.ndarray, terms: np.ndarray, counts: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts as an items-by-terms matrix, rows in ``items`` order (an item with no term is an
    empty row), columns in sorted term order; returns it with that vocabulary."""
    row_of = {item: i for i, item in enumerate(items)}
    vocabulary, columns = np.unique(terms.astype(str), return_inverse=True)
    rows = np.array([row_of[item] for item in term_items], dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.asarray(counts, np.float64), (rows, columns)), shape=(len(items), len(vocabulary))
    )
    return matrix, vocabulary
