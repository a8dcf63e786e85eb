"""The category classifier: naive Bayes probabilities by hand, the holdout, and the demo's
categories recovered from item text far above the majority class."""

import numpy as np
import pytest

from retail_recs import category_classifier as cc
from retail_recs.item_text import term_matrix

from .conftest import query


def test_term_matrix_rows_follow_the_items_and_columns_the_sorted_terms():
    X, vocabulary = term_matrix(
        ["i1", "i2", "i3"],
        np.array(["i2", "i1", "i1"], dtype=object),
        np.array(["b", "b", "a"], dtype=object),
        np.array([3, 1, 2]),
    )
    np.testing.assert_array_equal(X.toarray(), [[2, 1], [0, 3], [0, 0]])
    assert vocabulary.tolist() == ["a", "b"]


def test_naive_bayes_probability_by_hand():
    # Class A saw "a a b", class B "b c". Laplace smoothing over 3 terms:
    # P(b | A) = (1 + 1) / (3 + 3) = 1/3, P(b | B) = (1 + 1) / (2 + 3) = 2/5, equal priors,
    # so P(B | "b") = (2/5) / (1/3 + 2/5) = 6/11.
    X = np.array([[2, 1, 0], [0, 1, 1]])
    model = cc.fit(X, np.array(["A", "B"], dtype=object))
    predicted, probability = cc.predict(model, np.array([[0, 1, 0]]))
    assert predicted.tolist() == ["B"]
    assert probability[0] == pytest.approx(6 / 11, abs=1e-9)


def test_holdout_is_deterministic_and_near_its_share():
    items = [f"I{i:06d}" for i in range(5000)]
    held = cc.holdout(items, 0.2)
    np.testing.assert_array_equal(held, cc.holdout(list(reversed(items)), 0.2)[::-1])
    assert 0.18 < held.mean() < 0.22
    with pytest.raises(ValueError, match="retail_recs__category_holdout_share"):
        cc.holdout(items, 1.0)


def test_evaluation_beats_the_majority_on_separable_text_and_needs_two_categories():
    X = np.array([[3, 0], [2, 0], [4, 1], [0, 2], [1, 5], [0, 3]])
    labels = np.array(["fruit", "fruit", "fruit", "tools", "tools", "tools"], dtype=object)
    held = np.array([False, False, True, False, False, True])
    metrics = cc.evaluate(X, labels, held)
    assert (metrics.training_items, metrics.holdout_items) == (4, 2)
    assert metrics.accuracy == 1.0 and metrics.macro_f1 == 1.0
    # Training has two of each: the tie goes to the first category in sorted order.
    assert metrics.majority_category == "fruit" and metrics.majority_accuracy == 0.5
    one_category = np.array(["fruit"] * 6, dtype=object)
    assert cc.evaluate(X, one_category, held) is None
    # A catalogue without names or descriptions has no term to learn from.
    assert cc.evaluate(np.zeros((6, 0)), labels, held) is None
    assert not cc.learnable(np.zeros((6, 0)), labels)


def test_demo_categories_are_recovered_from_item_text(demo_warehouse):
    ((accuracy, macro_f1, majority, holdout),) = query(
        demo_warehouse,
        "select accuracy, macro_f1, majority_accuracy, holdout_items"
        " from category_classifier_metrics",
    )
    assert holdout > 0
    assert accuracy >= majority + 0.5 and macro_f1 >= 0.8
