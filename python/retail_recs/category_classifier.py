"""Top-level category of uncategorised items from their text: multinomial naive Bayes.

What this module adds to scikit-learn (``MultinomialNB``, ``accuracy_score``, ``f1_score``):

- ``classifier_data``: items-by-terms counts of int_item_description_terms
  (retail_recs.item_text) beside each item's given category.
- ``holdout``: a deterministic share of the categorised items (by a hash of item_id, so a
  rebuild holds out the same ones) kept out of training to measure the classifier against the
  majority class.
- ``evaluate`` and ``predict``: the held-out accuracy and macro-F1, and the most probable
  category of each uncategorised item with its probability.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.metrics import accuracy_score, f1_score
from sklearn.naive_bayes import MultinomialNB

from retail_recs.item_text import term_matrix

# Laplace smoothing: a term never seen with a category does not rule it out.
ALPHA = 1.0
# Probabilities are rounded so that a rebuild (and Spark) stores the same values.
DECIMALS = 9


@dataclass(frozen=True)
class Metrics:
    """The classifier on the held-out categorised items, beside the majority class."""

    training_items: int
    holdout_items: int
    accuracy: float
    macro_f1: float
    majority_category: str
    majority_accuracy: float


def holdout(items: list[str], share: float) -> np.ndarray:
    """True for the items held out: sha256(item_id) as a fraction below ``share``."""
    if not 0 < share < 1:
        raise ValueError(
            f"var retail_recs__category_holdout_share must be in (0, 1), got {share!r}"
        )
    fractions = np.array(
        [int(hashlib.sha256(item.encode()).hexdigest()[:8], 16) / 16**8 for item in items]
    )
    return fractions < share


def fit(X: sparse.csr_matrix, labels: np.ndarray) -> MultinomialNB:
    return MultinomialNB(alpha=ALPHA).fit(X, labels)


def learnable(X: sparse.csr_matrix, labels: np.ndarray) -> bool:
    """Whether naive Bayes can learn from these rows: two categories or more, and at least
    one term in the vocabulary (a catalogue without names or descriptions has none)."""
    return X.shape[1] > 0 and len(set(labels.tolist())) >= 2


def evaluate(X: sparse.csr_matrix, labels: np.ndarray, held_out: np.ndarray) -> Metrics | None:
    """Train on the categorised items not held out, score the held-out ones; None when either
    side is empty or training cannot be learned from (``learnable``)."""
    train, test = ~held_out, held_out
    if not train.any() or not test.any() or not learnable(X[train], labels[train]):
        return None
    model = fit(X[train], labels[train])
    predicted = model.predict(X[test])
    categories, counts = np.unique(labels[train], return_counts=True)
    majority = str(categories[np.argmax(counts)])  # ties: the first in sorted order
    return Metrics(
        training_items=int(train.sum()),
        holdout_items=int(test.sum()),
        accuracy=float(accuracy_score(labels[test], predicted)),
        macro_f1=float(f1_score(labels[test], predicted, average="macro", zero_division=0)),
        majority_category=majority,
        majority_accuracy=float(np.mean(labels[test] == majority)),
    )


def predict(model: MultinomialNB, X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """The most probable category of each row and its probability (ties: the first class in
    sorted order, as scikit-learn's argmax)."""
    probabilities = model.predict_proba(X)
    best = np.argmax(probabilities, axis=1)
    return model.classes_[best], np.round(probabilities[np.arange(len(best)), best], DECIMALS)


@dataclass(frozen=True, eq=False)
class ClassifierData:
    """Every catalogue item (sorted by item_id), its term counts and its given category
    (None when uncategorised)."""

    items: list[str]
    X: sparse.csr_matrix
    labels: np.ndarray

    @property
    def labelled(self) -> np.ndarray:
        return np.array([label is not None for label in self.labels], dtype=bool)


def classifier_data(
    item_categories: list[tuple[str, str | None]], term_rows: dict[str, np.ndarray]
) -> ClassifierData:
    """The rows of int_item_given_categories (item_id, given_category; any order, sorted
    here) and int_item_description_terms as columns item_id, term, term_count."""
    rows = sorted(item_categories)
    items = [item for item, _ in rows]
    X, _ = term_matrix(items, term_rows["item_id"], term_rows["term"], term_rows["term_count"])
    return ClassifierData(items, X, np.array([category for _, category in rows], dtype=object))
