"""Topics of the catalogue: latent Dirichlet allocation over each item's text.

What this module adds to scikit-learn (``LatentDirichletAllocation``):

- priors for catalogue text: a name and a description are a few words about one product, so
  an item is expected to hold few topics (``DOC_TOPIC_PRIOR``) and a topic few words;
- ``coherence``: the mean normalised PMI of each topic's top terms over the items, which
  chooses the topic count. scikit-learn has no coherence, and its held-out perplexity cannot
  choose on short texts: on Online Retail it rose from 2,499 at 5 topics to 93,920 at 60;
- topics numbered by size (topic 1 is the dominant topic of the most items), each with a
  readable label from its top terms ("bag · jumbo · lunch").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import LatentDirichletAllocation

from retail_recs.item_text import term_matrix

DOC_TOPIC_PRIOR = 0.05
TOPIC_WORD_PRIOR = 0.01
# Ten passes: on Online Retail, twenty gave the same coherence (±0.004) in twice the time.
MAX_ITERATIONS = 10
# The topic count is chosen, and the model fitted, on at most this many items (a deterministic
# sample by hash of item_id); the other items' topics are inferred. Fitting costs the same on
# any catalogue.
SELECTION_ITEMS = 5000
# Coherence is measured on each topic's top terms; a label names its first LABEL_TERMS.
COHERENCE_TERMS = 5
LABEL_TERMS = 3
TERMS_PER_TOPIC = 10
# Item weights are rounded so that a rebuild (and Spark) stores the same values; weights below
# MIN_ITEM_WEIGHT are left out of item_topics.
DECIMALS = 9
MIN_ITEM_WEIGHT = 0.01
TOPIC_COUNT_VAR = "retail_recs__topic_count"


@dataclass(frozen=True, eq=False)
class Corpus:
    """The items with at least one term (sorted by item_id), as items-by-terms counts."""

    items: list[str]
    vocabulary: np.ndarray
    X: sparse.csr_matrix


@dataclass(frozen=True)
class Candidate:
    topic_count: int
    coherence: float
    is_chosen: bool


@dataclass(frozen=True, eq=False)
class Topics:
    """A fitted model, topics in size order: item_weights is items by topics (rows sum to 1),
    dominant each item's dominant topic, term_weights topics by vocabulary (p(term | topic)),
    labels one per topic."""

    corpus: Corpus
    item_weights: np.ndarray
    dominant: np.ndarray
    term_weights: np.ndarray
    labels: list[str]


def corpus(term_rows: dict[str, np.ndarray]) -> Corpus:
    """int_item_terms' columns item_id, term, term_count (any order)."""
    items = sorted(set(term_rows["item_id"].tolist()))
    X, vocabulary = term_matrix(
        items, term_rows["item_id"], term_rows["term"], term_rows["term_count"]
    )
    return Corpus(items, vocabulary, X)


def topic_counts(setting: object, candidates: list, corpus: Corpus) -> list[int]:
    """The topic counts to try: var retail_recs__topic_count itself, or with 'auto' every
    candidate. Counts of at least two and below the number of items with text are kept; a
    catalogue too small for any gets no topics."""
    if str(setting).strip().lower() == "auto":
        counts = [int(count) for count in candidates]
    else:
        try:
            counts = [int(setting)]
        except (TypeError, ValueError):
            counts = [0]
        if counts[0] < 2 or str(counts[0]) != str(setting).strip():
            raise ValueError(
                f"var {TOPIC_COUNT_VAR} must be 'auto' or a whole number of at least 2, "
                f"got {setting!r}"
            )
    return sorted({count for count in counts if 2 <= count < len(corpus.items)})


def fit(X: sparse.csr_matrix, topic_count: int, seed: int) -> LatentDirichletAllocation:
    return LatentDirichletAllocation(
        n_components=topic_count,
        doc_topic_prior=DOC_TOPIC_PRIOR,
        topic_word_prior=TOPIC_WORD_PRIOR,
        learning_method="batch",
        max_iter=MAX_ITERATIONS,
        random_state=seed,
        n_jobs=1,
    ).fit(X)


def coherence(X: sparse.csr_matrix, components: np.ndarray, top_n: int = COHERENCE_TERMS) -> float:
    """Mean over topics and over pairs of each topic's ``top_n`` terms of the normalised PMI
    log(p(a, b) / (p(a) p(b))) / -log p(a, b), with p the share of items containing the terms;
    -1 for a pair never found together, 1 for a pair always together."""
    present = (X > 0).astype(np.float64).tocsc()
    items = X.shape[0]
    scores = []
    for topic in components:
        top = np.argsort(-topic, kind="stable")[:top_n]
        columns = present[:, top]
        together = (columns.T @ columns).toarray() / items
        alone = np.diag(together)
        for a in range(len(top)):
            for b in range(a + 1, len(top)):
                joint = together[a, b]
                if joint == 0:
                    scores.append(-1.0)
                elif joint == 1:
                    scores.append(1.0)
                else:
                    scores.append(np.log(joint / (alone[a] * alone[b])) / -np.log(joint))
    return float(np.mean(scores)) if scores else float("nan")


def selection_rows(items: list[str], limit: int = SELECTION_ITEMS) -> np.ndarray:
    """The rows the topic count is chosen on: all, or the ``limit`` items of smallest
    sha256(item_id), a sample that does not depend on the order or the size of the rest."""
    if len(items) <= limit:
        return np.arange(len(items))
    hashes = [hashlib.sha256(item.encode()).hexdigest() for item in items]
    return np.sort(np.argsort(hashes, kind="stable")[:limit])


def select(corpus: Corpus, counts: list[int], seed: int) -> list[Candidate]:
    """Every count fitted on the selection rows and scored by coherence there; the most
    coherent is chosen (ties: the fewer topics)."""
    X = corpus.X[selection_rows(corpus.items)]
    scored = [(count, round(coherence(X, fit(X, count, seed).components_), 9)) for count in counts]
    if not scored:
        return []
    best = max(scored, key=lambda pair: (pair[1], -pair[0]))[0]
    return [Candidate(count, score, count == best) for count, score in scored]


def topics(corpus: Corpus, topic_count: int, seed: int) -> Topics:
    """The model at ``topic_count``, fitted on the selection rows (the sample its count was
    chosen on) and inferred for every item; topics renumbered by how many items they
    dominate."""
    model = fit(corpus.X[selection_rows(corpus.items)], topic_count, seed)
    item_weights = np.round(model.transform(corpus.X), DECIMALS)
    order, dominant = number_by_size(item_weights)
    term_weights = model.components_ / model.components_.sum(axis=1, keepdims=True)
    term_weights = term_weights[order]
    labels = [
        " · ".join(corpus.vocabulary[np.argsort(-row, kind="stable")[:LABEL_TERMS]])
        for row in term_weights
    ]
    return Topics(corpus, item_weights[:, order], dominant, term_weights, labels)


def number_by_size(item_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The topics in size order (the model's number of each, largest first) and each item's
    dominant topic in that order: its heaviest, a tie going to the larger topic (a text with no
    known term weighs every topic alike). Sizes decide the order and the order decides the
    ties, so the two are settled together: ties are re-assigned and topics re-ordered until
    neither moves (a topic's place kept when sizes are equal). Sizes counted before the ties
    moved, as before, could leave a higher number dominating more items than a lower one."""
    topic_count = item_weights.shape[1]
    heaviest = np.argmax(item_weights, axis=1)
    position = np.arange(topic_count)
    for _ in range(topic_count):
        sizes = np.bincount(heaviest, minlength=topic_count)
        order = np.lexsort((position, -sizes))
        position = np.empty(topic_count, dtype=np.int64)
        position[order] = np.arange(topic_count)
        settled = order[np.argmax(item_weights[:, order], axis=1)]
        if np.array_equal(settled, heaviest):
            break
        heaviest = settled
    # Sizes, order and numbers all come from the same assignment, settled or not.
    sizes = np.bincount(heaviest, minlength=topic_count)
    order = np.lexsort((position, -sizes))
    position[order] = np.arange(topic_count)
    return order, position[heaviest]
