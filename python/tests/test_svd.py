"""Tests of ``retail_recs.svd``: known answers, planted structure, exclusion, determinism.

Known answers are a dense ``np.linalg.svd`` truncated to k and weights computed by hand;
planted structure (user x item group blocks, implicit's checkerboard) must be recovered.
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from scipy import sparse

from retail_recs.svd import (
    GEMM_TILE_ROWS,
    WEIGHTINGS,
    similar_items,
    top_n_items,
    truncated_svd,
    weight_interactions,
)

SEED = 7


def planted_blocks(
    rng: np.random.Generator, users_per_group: int, items_per_group: int, density: float
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """3 user groups x 3 item groups: group g buys group g's items (strength 3, 2, 1), with
    ``density`` of the block filled, plus 2% off-block noise. Returns X and both groupings."""
    user_group = np.repeat(np.arange(3), users_per_group)
    item_group = np.repeat(np.arange(3), items_per_group)
    same = user_group[:, None] == item_group[None, :]
    strength = np.array([3.0, 2.0, 1.0])[user_group][:, None]
    filled = rng.random(same.shape) < density
    noise = (rng.random(same.shape) < 0.02) & ~same
    dense = np.where(same & filled, strength, 0.0) + np.where(noise, 0.1, 0.0)
    return sparse.csr_matrix(dense), user_group, item_group


def as_sets(user_index: np.ndarray, item_index: np.ndarray) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for user, item in zip(user_index.tolist(), item_index.tolist(), strict=True):
        result.setdefault(user, set()).add(item)
    return result


def test_rank_3_svd_reconstructs_planted_blocks():
    rng = np.random.default_rng(SEED)
    matrix, _, _ = planted_blocks(rng, users_per_group=40, items_per_group=30, density=1.0)
    user_factors, item_factors, singular = truncated_svd(matrix, 3, seed=SEED)
    dense = matrix.toarray()
    approximation = user_factors.astype(np.float64) @ item_factors.T
    relative_error = np.linalg.norm(dense - approximation) / np.linalg.norm(dense)
    assert relative_error < 0.05
    # Eckart-Young: no rank-3 matrix does better than the dense SVD's.
    s = np.linalg.svd(dense, compute_uv=False)
    best = math.sqrt((s[3:] ** 2).sum()) / np.linalg.norm(dense)
    assert relative_error == pytest.approx(best, abs=1e-6)
    np.testing.assert_allclose(singular, s[:3], rtol=1e-10)
    assert np.all(np.diff(singular) < 0)


def test_directions_beyond_the_rank_are_zero():
    rng = np.random.default_rng(SEED)
    dense = rng.random((6, 2)) @ rng.random((2, 5))  # rank 2
    user_factors, item_factors, singular = truncated_svd(sparse.csr_matrix(dense), 3, seed=SEED)
    assert singular[2] == 0 and not item_factors[:, 2].any() and not user_factors[:, 2].any()
    np.testing.assert_allclose(user_factors @ item_factors.T, dense, atol=1e-6)


def test_unseen_top_items_come_from_the_users_group():
    rng = np.random.default_rng(SEED)
    matrix, user_group, item_group = planted_blocks(
        rng, users_per_group=50, items_per_group=40, density=0.5
    )
    user_factors, item_factors, _ = truncated_svd(matrix, 3, seed=SEED)
    users, items, _, rank = top_n_items(user_factors, item_factors, matrix, n=5)
    assert np.array_equal(np.bincount(users), np.full(150, 5))
    assert np.all(item_group[items] == user_group[users])
    assert np.array_equal(rank, np.tile(np.arange(1, 6), 150))


def test_checkerboard_recommends_unseen_items_of_the_same_parity():
    # implicit's checkerboard: users like the items of their own parity (rank 2); a third of
    # the liked entries are hidden and must come back as the recommendations.
    rng = np.random.default_rng(SEED)
    size = 60
    parity = np.arange(size) % 2
    liked = parity[:, None] == parity[None, :]
    seen = liked & (rng.random((size, size)) > 0.3)
    matrix = sparse.csr_matrix(seen.astype(np.float64))
    hidden_per_user = (liked & ~seen).sum(axis=1)
    n = int(hidden_per_user.min())
    assert n >= 3
    user_factors, item_factors, _ = truncated_svd(matrix, 2, seed=SEED)
    users, items, _, _ = top_n_items(user_factors, item_factors, matrix, n=n)
    assert users.size == size * n
    assert np.all(parity[items] == parity[users])
    assert not seen[users, items].any()


def test_tiny_case_matches_dense_numpy_svd():
    matrix = sparse.csr_matrix(
        np.array(
            [
                [5.0, 3.0, 0.0, 1.0],
                [4.0, 0.0, 0.0, 1.0],
                [1.0, 1.0, 0.0, 5.0],
                [1.0, 0.0, 0.0, 4.0],
                [0.0, 1.0, 5.0, 4.0],
            ]
        )
    )
    u, s, vt = np.linalg.svd(matrix.toarray())
    expected_scores = u[:, :2] * s[:2] @ vt[:2]
    user_factors, item_factors, singular = truncated_svd(matrix, 2, seed=SEED)
    assert user_factors.dtype == item_factors.dtype == np.float32
    np.testing.assert_allclose(singular, s[:2], rtol=1e-12)
    np.testing.assert_allclose(user_factors @ item_factors.T, expected_scores, atol=1e-5)
    # Orthonormal item factors; each column's largest-magnitude entry is positive.
    np.testing.assert_allclose(item_factors.T @ item_factors, np.eye(2), atol=1e-6)
    largest = item_factors[np.argmax(np.abs(item_factors), axis=0), [0, 1]]
    assert np.all(largest > 0)
    # Top 2 of all items (nothing excluded): the dense scores' order, ties by item index.
    users, items, scores, rank = top_n_items(user_factors, item_factors, None, n=2)
    dense_scores = user_factors @ item_factors.T
    expected_items = np.argsort(-dense_scores, axis=1, kind="stable")[:, :2]
    assert np.array_equal(users, np.repeat(np.arange(5), 2))
    assert np.array_equal(items, expected_items.ravel())
    assert np.array_equal(scores, dense_scores[users, items])
    assert np.array_equal(rank, np.tile([1, 2], 5))


def test_ties_are_broken_by_item_index():
    user_factors = np.ones((2, 1), dtype=np.float32)
    item_factors = np.array([[1.0], [2.0], [1.0], [2.0], [1.0]], dtype=np.float32)
    users, items, scores, rank = top_n_items(user_factors, item_factors, None, n=3)
    assert np.array_equal(items, [1, 3, 0, 1, 3, 0])
    assert np.array_equal(scores, [2, 2, 1, 2, 2, 1])
    assert np.array_equal(users, [0, 0, 0, 1, 1, 1])
    assert np.array_equal(rank, [1, 2, 3, 1, 2, 3])


def test_excluded_items_are_never_returned():
    rng = np.random.default_rng(SEED)
    n_users, n_items, n = 200, 30, 5
    user_factors = rng.standard_normal((n_users, 4)).astype(np.float32)
    item_factors = rng.standard_normal((n_items, 4)).astype(np.float32)
    bought = rng.random((n_users, n_items)) < 0.3
    bought[0] = True  # everything bought: no rows
    bought[1] = True
    bought[1, [4, 17]] = False  # two candidates left: two rows
    exclude = sparse.csr_matrix(bought)
    users, items, scores, rank = top_n_items(user_factors, item_factors, exclude, n=n)
    assert not bought[users, items].any()
    per_user = np.bincount(users, minlength=n_users)
    expected = np.minimum(n, (~bought).sum(axis=1))
    assert np.array_equal(per_user, expected)
    assert per_user[0] == 0 and per_user[1] == 2
    assert set(items[users == 1].tolist()) == {4, 17}
    # Ranks run 1..m per user; scores never increase down a user's list.
    starts = np.r_[0, np.cumsum(per_user)[:-1]]
    assert np.array_equal(rank, np.arange(users.size) - np.repeat(starts, per_user) + 1)
    same_user = users[1:] == users[:-1]
    assert np.all(scores[1:][same_user] <= scores[:-1][same_user])
    # Each list is the best of what was not bought.
    dense = np.where(bought, -np.inf, user_factors @ item_factors.T)
    for user in (2, 3, 50):
        best = np.sort(dense[user])[::-1][:n]
        np.testing.assert_array_equal(np.sort(scores[users == user])[::-1], best)


def test_explicit_zeros_in_exclude_do_not_exclude():
    user_factors = np.ones((1, 1), dtype=np.float32)
    item_factors = np.array([[3.0], [2.0], [1.0]], dtype=np.float32)
    exclude = sparse.csr_matrix((np.array([0.0, 1.0]), np.array([0, 1]), np.array([0, 2])), (1, 3))
    _, items, _, _ = top_n_items(user_factors, item_factors, exclude, n=3)
    assert np.array_equal(items, [0, 2])


def test_results_are_identical_across_runs_block_sizes_and_threads():
    rng = np.random.default_rng(SEED)
    matrix, _, _ = planted_blocks(rng, users_per_group=30, items_per_group=17, density=0.4)
    first = truncated_svd(matrix, 4, seed=SEED)
    second = truncated_svd(matrix, 4, seed=SEED)
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    # BLAS rounds differently for differently shaped products: enough users, items and
    # factors that a block-size dependent product would show in the last bits.
    n_users, n_items = 5 * GEMM_TILE_ROWS + 3, 500
    user_factors = rng.standard_normal((n_users, 32)).astype(np.float32)
    item_factors = rng.standard_normal((n_items, 32)).astype(np.float32)
    exclude = sparse.random(n_users, n_items, density=0.1, format="csr", rng=rng)
    reference = top_n_items(user_factors, item_factors, exclude, n=7, block_size=10_000)
    for block_size, n_threads in ((1, 1), (GEMM_TILE_ROWS, 2), (2 * GEMM_TILE_ROWS + 1, 3)):
        again = top_n_items(
            user_factors, item_factors, exclude, n=7, block_size=block_size, n_threads=n_threads
        )
        for a, b in zip(reference, again, strict=True):
            assert np.array_equal(a, b)
    neighbours = similar_items(item_factors, n=4, block_size=10_000)
    for a, b in zip(neighbours, similar_items(item_factors, n=4, block_size=1), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(("n", "prunes"), [(7, True), (70, False)])
def test_pruned_top_n_equals_scoring_every_item(n, prunes, caplog):
    """The Cauchy-Schwarz pruning is exact: against every score computed and sorted, on
    integer factors (exact products, so ties are real) with a few long item vectors (the
    popular items), exclusions, a user with no factors (all scores 0: no bound, every item
    scored) and a user left with fewer than n items. The debug log shows whether the pruning
    saved any score: at n = 7 it does; at n = 70 (a two-tile head) the 70th best is too low
    a bound on this catalogue of 60 long vectors, and every tile is scored."""
    rng = np.random.default_rng(SEED)
    n_users, n_items, k = 2 * GEMM_TILE_ROWS + 17, 1500, 8
    user_factors = rng.integers(-3, 4, (n_users, k)).astype(np.float32)
    item_factors = rng.integers(-3, 4, (n_items, k)).astype(np.float32)
    # The long vectors point into the positive first half of the factors. Every fifth user
    # of the first row tile lives in the other half, so its best items lie beyond the first
    # column tile; the last row tile's users point where the long vectors do, so its rows
    # need no other column.
    long_items = rng.choice(n_items, 60, replace=False)
    item_factors[long_items, : k // 2] = 6 * (np.abs(item_factors[long_items, : k // 2]) + 1)
    item_factors[long_items, k // 2 :] = 0
    user_factors[:GEMM_TILE_ROWS:5, : k // 2] = 0
    user_factors[2 * GEMM_TILE_ROWS :, : k // 2] = (
        np.abs(user_factors[2 * GEMM_TILE_ROWS :, : k // 2]) + 1
    )
    user_factors[0] = 0
    exclude = sparse.random(n_users, n_items, density=0.1, format="csr", rng=rng)
    exclude = exclude.tolil()
    exclude[2, :3] = 0
    exclude[2, 3:] = 1  # user 2 may get only items 0, 1 and 2
    exclude = exclude.tocsr()

    with caplog.at_level("DEBUG", logger="retail_recs.svd"):
        users, items, scores, rank = top_n_items(user_factors, item_factors, exclude, n=n)
    (message,) = [r.getMessage() for r in caplog.records if "scores computed" in r.getMessage()]
    assert (float(message.split(", ")[-1].split("%")[0]) < 100) == prunes

    every = user_factors.astype(np.float64) @ item_factors.T.astype(np.float64)
    every[exclude.toarray() != 0] = -np.inf
    expected_users, expected_items, expected_scores = [], [], []
    for user in range(n_users):
        allowed = np.flatnonzero(np.isfinite(every[user]))
        best = allowed[np.lexsort((allowed, -every[user, allowed]))][:n]
        expected_users += [user] * best.size
        expected_items += best.tolist()
        expected_scores += every[user, best].tolist()
    assert users.tolist() == expected_users
    assert items.tolist() == expected_items
    assert scores.tolist() == expected_scores
    assert sorted(items[users == 2].tolist()) == [0, 1, 2]
    assert rank.tolist() == [r + 1 for u in range(n_users) for r in range((users == u).sum())]


def test_blocks_never_allocate_users_by_items():
    # numpy reports its allocations to tracemalloc: with blocks of GEMM_TILE_ROWS users the
    # peak stays far below one users x items score matrix, and the answer is the same.
    rng = np.random.default_rng(SEED)
    n_users, n_items = 16 * GEMM_TILE_ROWS, 2000
    user_factors = rng.standard_normal((n_users, 8)).astype(np.float32)
    item_factors = rng.standard_normal((n_items, 8)).astype(np.float32)
    full_scores_bytes = n_users * n_items * 4
    tracemalloc.start()
    try:
        blocked = top_n_items(user_factors, item_factors, None, n=3, block_size=GEMM_TILE_ROWS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < full_scores_bytes / 4
    single = top_n_items(user_factors, item_factors, None, n=3, block_size=n_users)
    for a, b in zip(blocked, single, strict=True):
        assert np.array_equal(a, b)


def test_similar_items_are_the_cosine_nearest_others():
    rng = np.random.default_rng(SEED)
    matrix, _, item_group = planted_blocks(rng, users_per_group=30, items_per_group=20, density=0.6)
    _, item_factors, _ = truncated_svd(matrix, 3, seed=SEED)
    item_factors[5] = 0.0  # an item without interactions has no neighbours
    items, similar, similarity, rank = similar_items(item_factors, n=4)
    assert 5 not in items and 5 not in similar
    assert np.array_equal(np.bincount(items, minlength=60), np.r_[[4] * 5, 0, [4] * 54])
    assert not np.any(items == similar)
    assert np.all(item_group[items] == item_group[similar])
    unit = item_factors / np.linalg.norm(item_factors, axis=1, keepdims=True).clip(1e-30)
    np.testing.assert_allclose(similarity, np.sum(unit[items] * unit[similar], axis=1), atol=1e-6)
    assert np.array_equal(rank, np.tile(np.arange(1, 5), 59))


TWO_BY_THREE = sparse.csr_matrix(
    # [[2, -1, 0], [0, 1, 0]] with an explicit zero stored at (1, 2)
    (np.array([2.0, -1.0, 1.0, 0.0]), np.array([0, 1, 1, 2]), np.array([0, 2, 4])),
    shape=(2, 3),
)
LN_1_5 = math.log(3 / 2)  # BM25 idf of a user with 1 of 3 items: ln(3 / (1 + 1))


@pytest.mark.parametrize(
    ("weighting", "expected"),
    [
        # Negative and zero entries are dropped first: [[2, ., .], [., 1, .]] remains.
        ("affinity", [[2.0, 0, 0], [0, 1.0, 0]]),
        ("binary", [[1.0, 0, 0], [0, 1.0, 0]]),
        ("log1p", [[math.log(3), 0, 0], [0, math.log(2), 0]]),
        # item lengths (2, 1, 0), mean 1: L = 0.2 + 0.8 * length = (1.8, 1.0, .)
        # w = x * 101 / (100 * L + x) * ln 1.5
        ("bm25", [[2 * 101 / (180 + 2) * LN_1_5, 0, 0], [0, 1 * 101 / (100 + 1) * LN_1_5, 0]]),
    ],
)
def test_weightings_by_hand(weighting, expected):
    weighted = weight_interactions(TWO_BY_THREE, weighting)
    assert weighted.format == "csr" and weighted.nnz == 2
    np.testing.assert_allclose(weighted.toarray(), expected, rtol=1e-12)
    assert TWO_BY_THREE.data.tolist() == [2.0, -1.0, 1.0, 0.0]  # input left alone


def test_bm25_parameters_by_hand():
    # k1 = 1, b = 0 (no length norm): w = x * 2 / (1 + x) * ln 1.5
    weighted = weight_interactions(TWO_BY_THREE, "bm25", k1=1.0, b=0.0)
    np.testing.assert_allclose(
        weighted.toarray(), [[4 / 3 * LN_1_5, 0, 0], [0, LN_1_5, 0]], rtol=1e-12
    )


def test_invalid_choices_raise_with_the_valid_values():
    with pytest.raises(ValueError, match="valid weightings") as error:
        weight_interactions(TWO_BY_THREE, "tfidf")
    assert all(name in str(error.value) for name in WEIGHTINGS)
    with pytest.raises(ValueError, match="CSR"):
        weight_interactions(TWO_BY_THREE.tocoo(), "binary")
    matrix = sparse.csr_matrix(np.eye(4, 6))
    for factors in (0, 4, 5):
        with pytest.raises(ValueError, match="factors"):
            truncated_svd(matrix, factors, seed=SEED)
    factors = np.ones((3, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        top_n_items(factors, factors, None, n=0)
    with pytest.raises(ValueError, match="exclude has shape"):
        top_n_items(factors, factors, sparse.csr_matrix((3, 4)), n=1)
    with pytest.raises(ValueError, match="factor counts differ"):
        top_n_items(factors, np.ones((3, 3), dtype=np.float32), None, n=1)


@pytest.mark.parametrize("shape", [(3000, 45), (45, 3000)])
def test_factors_near_the_smaller_side_match_dense_svd(shape):
    """k = 44 of 45 items (or customers): PROPACK raised 'invariant subspace of dimension 45'
    on such a shop; the Gram route gives the dense SVD's top k, with two duplicated items
    (or customers) leaving rank 43, so the 44th direction is exactly zero."""
    rng = np.random.default_rng(11)
    dense = (rng.random(shape) < 0.1) * rng.integers(1, 5, shape).astype(float)
    if shape[1] < shape[0]:
        dense[:, [1, 3]] = dense[:, [0, 2]]
    else:
        dense[[1, 3]] = dense[[0, 2]]
    matrix = sparse.csr_matrix(dense)
    u, s, vt = np.linalg.svd(dense, full_matrices=False)
    user_factors, item_factors, singular = truncated_svd(matrix, 44, seed=SEED)
    np.testing.assert_allclose(singular[:43], s[:43], rtol=1e-9)
    assert singular[43] == 0.0 and not item_factors[:, 43].any()
    np.testing.assert_allclose(
        user_factors @ item_factors.T, (u[:, :44] * s[:44]) @ vt[:44], atol=1e-4
    )


def test_a_catalogue_where_few_items_sold_keeps_every_factor_it_can():
    """k = 64 on 300 catalogue items of which 45 sold (PROPACK raised 'invariant subspace of
    dimension 45' on such a shop): the 45 sold items' directions are the dense SVD's, the
    other 19 are zero, and unsold items have zero factors."""
    rng = np.random.default_rng(12)
    dense = np.zeros((2000, 300))
    sold = rng.choice(300, 45, replace=False)
    dense[:, sold] = (rng.random((2000, 45)) < 0.1) * rng.integers(1, 5, (2000, 45))
    s = np.linalg.svd(dense, compute_uv=False)
    user_factors, item_factors, singular = truncated_svd(sparse.csr_matrix(dense), 64, seed=SEED)
    np.testing.assert_allclose(singular[:45], s[:45], rtol=1e-9)
    assert not singular[45:].any() and not item_factors[:, 45:].any()
    assert not np.delete(item_factors, sold, axis=0).any()
    np.testing.assert_allclose(user_factors @ item_factors.T, dense, atol=1e-4)
