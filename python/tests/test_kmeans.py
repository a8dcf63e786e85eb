"""Tests of the clustering: transform, k-means, choice of k, and the library conventions they
rely on (silhouette, ARI).

Known answers: values worked out by hand in comments, planted Gaussian blobs that must be
recovered exactly, and pair-counting definitions computed by brute force. The silhouette and
ARI answers pin scikit-learn's conventions that choose_k and the persona tests depend on
(a singleton scores 0; ARI is 1 for identical partitions whatever the labels).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from retail_recs import kmeans as kmeans_module
from retail_recs.kmeans import KChoice, choose_k, kmeans, log_standardize

SEED = 11
BLOB_MEANS = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
BLOB_SIZES = (300, 200, 100)


def three_blobs(rng: np.random.Generator, sd: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Blobs of 300, 200 and 100 points around BLOB_MEANS, shuffled; returns Z and truth."""
    truth = np.repeat(np.arange(3), BLOB_SIZES)
    rng.shuffle(truth)
    return BLOB_MEANS[truth] + sd * rng.standard_normal((truth.size, 2)), truth


def test_log_standardize_by_hand():
    # log1p columns: [0, ln 2, ln 4] = ln 2 · [0, 1, 2] and (-5 clipped to 0) [0, 0, ln 4].
    # Column 0: mean ln 2, sd ln 2 · √(2/3) → [-1, 0, 1] / √(2/3) = [-√1.5, 0, √1.5].
    # Column 1: mean 2 ln 2 / 3, deviations ln 2 · [-2/3, -2/3, 4/3], variance (8/9) ln² 2,
    # sd (2√2 / 3) ln 2 → [-1/√2, -1/√2, √2].
    X = np.array([[0.0, -5.0], [1.0, 0.0], [3.0, 3.0]])
    standardized = log_standardize(X)
    ln2 = math.log(2)
    np.testing.assert_allclose(standardized.mean, [ln2, 2 * ln2 / 3], rtol=1e-14)
    np.testing.assert_allclose(
        standardized.scale, [ln2 * math.sqrt(2 / 3), 2 * math.sqrt(2) / 3 * ln2], rtol=1e-14
    )
    expected = [
        [-math.sqrt(1.5), -1 / math.sqrt(2)],
        [0, -1 / math.sqrt(2)],
        [math.sqrt(1.5), 2**0.5],
    ]
    np.testing.assert_allclose(standardized.values, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(standardized.values.std(axis=0), [1, 1], rtol=1e-14)
    assert X[0, 1] == -5.0  # input left alone


def test_constant_column_becomes_zeros():
    X = np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 5.0], [7.0, 0.0]])
    standardized = log_standardize(X)
    assert np.array_equal(standardized.values[:, 0], np.zeros(4))
    assert standardized.scale[0] == 1.0 and standardized.mean[0] == math.log(8)
    assert np.isfinite(standardized.values).all()
    single_row = log_standardize(np.array([[3.0, 4.0]]))
    assert np.array_equal(single_row.values, np.zeros((1, 2)))


def test_to_original_and_apply_round_trip():
    rng = np.random.default_rng(SEED)
    X = np.column_stack([rng.poisson(3, 50), rng.gamma(2.0, 100.0, 50), rng.integers(0, 400, 50)])
    standardized = log_standardize(X)
    np.testing.assert_allclose(standardized.to_original(standardized.values), X, rtol=1e-10)
    np.testing.assert_allclose(standardized.apply(X), standardized.values, rtol=1e-12)
    # New rows reuse the training statistics (a refit would centre them at 0).
    new = standardized.apply(X[:5])
    np.testing.assert_allclose(new, standardized.values[:5], rtol=1e-12)
    with pytest.raises(ValueError, match="columns"):
        standardized.apply(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        log_standardize(np.array([[1.0, np.nan]]))


def test_kmeans_recovers_three_blobs():
    rng = np.random.default_rng(SEED)
    Z, truth = three_blobs(rng)
    result = kmeans(Z, 3, seed=SEED)
    assert adjusted_rand_score(truth, result.labels) == 1.0
    # Canonical order: sizes descending, so cluster c is blob c here.
    assert np.array_equal(result.labels, truth)
    assert result.labels.dtype == np.int64
    np.testing.assert_allclose(result.centroids, BLOB_MEANS, atol=0.1)
    group_means = np.array([Z[truth == c].mean(axis=0) for c in range(3)])
    np.testing.assert_allclose(result.centroids, group_means, atol=1e-12)
    np.testing.assert_allclose(
        result.distances, np.linalg.norm(Z - result.centroids[result.labels], axis=1), rtol=1e-12
    )
    assert result.inertia == pytest.approx(float((result.distances**2).sum()), rel=1e-12)
    assert 1 <= result.iterations <= 300


def test_same_seed_same_result_and_seed_free_partition():
    rng = np.random.default_rng(SEED)
    Z, _ = three_blobs(rng, sd=1.5)  # overlapping: initialisation matters
    first, second = kmeans(Z, 4, seed=3), kmeans(Z, 4, seed=3)
    assert np.array_equal(first.labels, second.labels)
    assert np.array_equal(first.centroids, second.centroids)
    assert first.inertia == second.inertia and first.iterations == second.iterations
    assert np.all(np.diff(np.bincount(first.labels)) <= 0)  # cluster 0 is the largest
    separated, _ = three_blobs(rng)
    a, b = kmeans(separated, 3, seed=1), kmeans(separated, 3, seed=2)
    assert np.array_equal(a.labels, b.labels)  # canonical labels do not depend on the seeding


def test_tiny_case_by_hand():
    # {0, 1} and {10, 11}: centroids 0.5 and 10.5, every point 0.5 away, inertia 4 · 0.25 = 1.
    # Equal sizes: the lower centroid comes first.
    result = kmeans(np.array([[10.0], [0.0], [11.0], [1.0]]), 2, seed=0)
    assert np.array_equal(result.labels, [1, 0, 1, 0])
    np.testing.assert_array_equal(result.centroids, [[0.5], [10.5]])
    assert result.inertia == 1.0
    np.testing.assert_array_equal(result.distances, [0.5] * 4)
    # Sizes 2 and 3: the larger cluster, at the high end, is cluster 0.
    result = kmeans(np.array([[0.0], [1.0], [10.0], [11.0], [12.0]]), 2, seed=0)
    assert np.array_equal(result.labels, [1, 1, 0, 0, 0])
    np.testing.assert_allclose(result.centroids, [[11.0], [0.5]], rtol=1e-15)
    assert result.inertia == pytest.approx(2 + 0.5, rel=1e-15)


def test_duplicates_and_too_few_distinct_rows():
    Z = np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [2.0]])
    result = kmeans(Z, 3, seed=0)
    np.testing.assert_array_equal(result.centroids, [[0.0], [1.0], [2.0]])
    assert np.array_equal(result.labels, [0, 0, 0, 0, 1, 2]) and result.inertia == 0.0
    with pytest.raises(ValueError, match="distinct rows"):
        kmeans(Z, 4, seed=0)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        kmeans(Z, 0, seed=0)


def test_canonical_order_by_hand():
    # Sizes: cluster 0 has 2 rows (centroid 5), cluster 1 has 3 (centroid 1), cluster 2 has 2
    # (centroid 3). The largest, 1, becomes 0; 0 and 2 tie on size and the lower centroid, 2,
    # comes first: 1 → 0, 2 → 1, 0 → 2.
    labels = np.array([2, 2, 0, 1, 1, 1, 0])
    centroids = np.array([[5.0], [1.0], [3.0]])
    renumbered, reordered = kmeans_module._canonical_order(labels, centroids)
    assert renumbered.tolist() == [1, 1, 2, 0, 0, 0, 2]
    np.testing.assert_array_equal(reordered, [[1.0], [3.0], [5.0]])


def test_centroids_map_back_to_geometric_means_in_original_units():
    # Planted skewed groups (retail and wholesale order values, lognormal): clustered after
    # log_standardize, each centroid in original units is the group's exp(mean ln(1 + x)) - 1,
    # the "typical value" cluster_profiles reports.
    rng = np.random.default_rng(SEED)
    truth = np.repeat([0, 1], [300, 100])
    X = np.column_stack(
        [
            np.exp(rng.normal(np.where(truth == 0, 3.0, 7.0), 0.3)),
            rng.poisson(np.where(truth == 0, 2.0, 30.0)),
        ]
    )
    standardized = log_standardize(X)
    result = kmeans(standardized.values, 2, seed=SEED)
    assert np.array_equal(result.labels, truth)
    typical = np.array([np.expm1(np.log1p(X[truth == c]).mean(axis=0)) for c in (0, 1)])
    np.testing.assert_allclose(standardized.to_original(result.centroids), typical, rtol=1e-10)


def test_silhouette_by_hand():
    # 1-D points 0, 1 | 4, 6 | 20 (a singleton).
    #   0: a = 1, b = min(mean(4, 6), 20) = 5      → (5 - 1) / 5 = 0.8
    #   1: a = 1, b = min(mean(3, 5), 19) = 4      → (4 - 1) / 4 = 0.75
    #   4: a = 2, b = min(mean(4, 3), 16) = 3.5    → (3.5 - 2) / 3.5 = 3/7
    #   6: a = 2, b = min(mean(6, 5), 14) = 5.5    → (5.5 - 2) / 5.5 = 7/11
    #  20: alone in its cluster                    → 0
    Z = np.array([[0.0], [1.0], [4.0], [6.0], [20.0]])
    expected = (0.8 + 0.75 + 3 / 7 + 7 / 11 + 0) / 5
    assert silhouette_score(Z, [0, 0, 1, 1, 2]) == pytest.approx(expected, rel=1e-14)
    assert silhouette_score(Z, ["b", "b", "a", "a", "c"]) == pytest.approx(expected, rel=1e-14)


def test_silhouette_on_a_sample_is_close_to_the_full_value():
    rng = np.random.default_rng(SEED)
    truth = rng.integers(3, size=6000)
    Z = BLOB_MEANS[truth] + 2.0 * rng.standard_normal((truth.size, 2))
    full = silhouette_score(Z, truth)
    sampled = [silhouette_score(Z, truth, sample_size=1500, random_state=seed) for seed in (1, 2)]
    assert sampled[0] != sampled[1]  # really different samples
    for value in sampled:
        assert value == pytest.approx(full, abs=0.02)


def test_choose_k_picks_the_planted_three():
    rng = np.random.default_rng(SEED)
    Z, _ = three_blobs(rng)
    choices = choose_k(Z, [5, 2, 3, 4, 3], seed=SEED)
    assert [choice.k for choice in choices] == [2, 3, 4, 5]
    assert [choice.k for choice in choices if choice.is_chosen] == [3]
    best = max(choices, key=lambda choice: choice.silhouette)
    assert best.k == 3 and best.silhouette > 0.8
    assert choices[1].inertia == pytest.approx(kmeans(Z, 3, seed=SEED).inertia, rel=1e-12)
    inertias = [choice.inertia for choice in choices]
    assert inertias == sorted(inertias, reverse=True)


def test_choose_k_fitted_on_a_sample():
    rng = np.random.default_rng(SEED)
    Z, _ = three_blobs(rng, sd=0.5)
    choices = choose_k(Z, range(2, 6), seed=SEED, fit_sample_size=120)
    assert [choice.k for choice in choices if choice.is_chosen] == [3]
    # Inertia is over all rows, with centroids from 120 of them: near the full fit's.
    full = kmeans(Z, 3, seed=SEED).inertia
    assert full <= choices[1].inertia < 1.05 * full


def test_choose_k_scores_every_row_up_to_the_sample_size():
    rng = np.random.default_rng(SEED)
    Z, _ = three_blobs(rng, sd=1.0)  # 600 rows
    (full,) = choose_k(Z, [3], seed=SEED, sample_size=600)
    # Not sampled: every row in its order, exactly the silhouette of the fitted partition.
    assert full.silhouette == silhouette_score(Z, kmeans(Z, 3, seed=SEED).labels)
    (sampled,) = choose_k(Z, [3], seed=SEED, sample_size=300)
    assert sampled.silhouette != full.silhouette
    assert sampled.silhouette == pytest.approx(full.silhouette, abs=0.05)
    assert sampled.inertia == full.inertia  # the sample is only for the silhouette


def test_choose_k_ties_go_to_the_smaller_k(monkeypatch):
    monkeypatch.setattr(kmeans_module, "silhouette_score", lambda *args, **kwargs: 0.5)
    rng = np.random.default_rng(SEED)
    Z, _ = three_blobs(rng)
    choices = choose_k(Z, [4, 3, 5], seed=SEED)
    assert choices[0] == KChoice(3, 0.5, choices[0].inertia, True)
    assert not any(choice.is_chosen for choice in choices[1:])


def test_choose_k_rejects_bad_candidates():
    Z = np.array([[0.0], [1.0], [2.0], [2.0]])  # 3 distinct rows
    with pytest.raises(ValueError, match="distinct rows"):
        choose_k(Z, [2, 3], seed=0)
    with pytest.raises(ValueError, match=">= 2"):
        choose_k(Z, [1, 2], seed=0)
    with pytest.raises(ValueError, match="empty"):
        choose_k(Z, [], seed=0)
    assert [choice.k for choice in choose_k(Z, [2], seed=0)] == [2]


def brute_force_ari(a: list, b: list) -> float:
    """ARI from pair counts over all pairs (scikit-learn's pair-confusion form)."""
    together_a = together_b = both = pairs = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        same_a, same_b = a[i] == a[j], b[i] == b[j]
        together_a += same_a
        together_b += same_b
        both += same_a and same_b
        pairs += 1
    tp = both
    fp, fn = together_b - both, together_a - both
    tn = pairs - tp - fp - fn
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def test_adjusted_rand_score_by_hand():
    # Contingency table of a = [0,0,0,1,1,1] (rows) and b = [0,0,1,1,2,2] (columns):
    #   [[2, 1, 0], [0, 1, 2]]
    # index = C(2,2) + C(2,2) = 2; rows 3, 3 → Σ C = 6; columns 2, 2, 2 → Σ C = 3; N = C(6,2)
    # = 15; expected = 6 · 3 / 15 = 1.2; maximum = (6 + 3) / 2 = 4.5
    # ARI = (2 - 1.2) / (4.5 - 1.2) = 0.8 / 3.3 = 8/33
    a, b = [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]
    assert adjusted_rand_score(a, b) == pytest.approx(8 / 33, abs=1e-12)
    assert adjusted_rand_score(b, a) == pytest.approx(8 / 33, abs=1e-12)
    assert brute_force_ari(a, b) == pytest.approx(8 / 33, abs=1e-12)


def test_adjusted_rand_score_properties():
    labels = [0, 0, 1, 1, 1, 2, 2, 3]
    assert adjusted_rand_score(labels, labels) == 1.0
    relabelled = ["d", "d", "a", "a", "a", "c", "c", "b"]
    assert adjusted_rand_score(labels, relabelled) == 1.0
    assert adjusted_rand_score([0] * 5, ["x"] * 5) == 1.0  # both one cluster
    assert adjusted_rand_score(range(5), range(5, 10)) == 1.0  # both all singletons
    rng = np.random.default_rng(SEED)
    for _ in range(5):
        a, b = rng.integers(3, size=40).tolist(), rng.integers(4, size=40).tolist()
        assert adjusted_rand_score(a, b) == pytest.approx(brute_force_ari(a, b), abs=1e-12)
    independent = adjusted_rand_score(rng.integers(5, size=20_000), rng.integers(5, size=20_000))
    assert abs(independent) < 0.005
