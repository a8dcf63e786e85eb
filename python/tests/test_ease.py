"""EASE against hand-computed weights, brute-force scoring and its exclusion rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from retail_recs import ease


def test_two_item_weights_match_the_closed_form_by_hand():
    """With two items, P = (G + λI)⁻¹ gives B[a, b] = n_ab / (n_a + λ): 4 customers bought
    a, 3 bought b, 2 bought both; λ = 1 → B[a, b] = 2/5 and B[b, a] = 2/4."""
    X = sparse.csr_matrix(np.array([[1, 1], [1, 1], [1, 0], [1, 0], [0, 1]], dtype=np.float64))
    B = ease.fit(X, l2=1.0)
    assert B[0, 1] == pytest.approx(2 / 5)
    assert B[1, 0] == pytest.approx(2 / 4)
    assert B[0, 0] == B[1, 1] == 0.0


def test_weights_solve_the_constrained_ridge_problem():
    """Column j of B minimises ||X_j - X B_j||² + λ||B_j||² with B_jj = 0: the gradient
    vanishes on every coordinate but j."""
    rng = np.random.default_rng(3)
    X = sparse.csr_matrix((rng.random((60, 8)) < 0.3).astype(np.float64))
    l2 = 2.5
    B = ease.fit(X, l2).astype(np.float64)
    G = (X.T @ X).toarray()
    gradient = (G + l2 * np.eye(8)) @ B - G
    off_diagonal = ~np.eye(8, dtype=bool)
    assert np.abs(gradient[off_diagonal]).max() < 1e-4


def test_top_n_equals_brute_force_with_exclusions_and_any_block_size():
    rng = np.random.default_rng(7)
    X = sparse.csr_matrix((rng.random((50, 12)) < 0.25).astype(np.float32))
    B = ease.fit(X, 3.0)
    exclude = sparse.csr_matrix((rng.random((50, 12)) < 0.2).astype(np.float32))
    scores = (X @ B).astype(np.float64)
    scores[exclude.toarray() > 0] = -np.inf
    for block_size in (7, 64):
        user, item, score, rank = ease.top_n_items(X, B, exclude, 4, block_size=block_size)
        for u in range(50):
            mine = item[user == u]
            order = np.lexsort((np.arange(12), -scores[u]))
            expected = [i for i in order if np.isfinite(scores[u, i])][:4]
            assert list(mine) == expected
            assert list(rank[user == u]) == list(range(1, len(expected) + 1))
        assert np.allclose(score, scores[user, item], atol=1e-5)


def test_column_tiles_give_the_scores_of_one_product_bit_for_bit(monkeypatch):
    rng = np.random.default_rng(8)
    X = sparse.csr_matrix((rng.random((40, 30)) < 0.2).astype(np.float64))
    B = ease.fit(X, 2.0)
    untiled = ease.top_n_items(X, B, None, 9, block_size=16)
    monkeypatch.setattr(ease, "WEIGHT_TILE_COLUMNS", 7)  # four tiles, the last one ragged
    tiled = ease.top_n_items(X, B, None, 9, block_size=16)
    for expected, actual in zip(untiled, tiled, strict=True):
        assert np.array_equal(expected, actual)
    # The same float32 scores as the plain product, in scipy's float64 arithmetic.
    user, item, score, _ = tiled
    assert np.array_equal(score, np.asarray(X @ B, dtype=np.float32)[user, item])


def test_modelled_items_are_the_most_bought():
    X = sparse.csr_matrix(np.array([[1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 0, 1]], dtype=float))
    assert list(ease.modelled_items(X, 2)) == [0, 2]
    assert list(ease.modelled_items(X, 10)) == [0, 2, 3]  # item 1: nobody, never modelled


def test_fit_rejects_a_non_positive_penalty():
    with pytest.raises(ValueError, match="positive"):
        ease.fit(sparse.csr_matrix(np.eye(3)), 0.0)
