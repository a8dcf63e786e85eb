"""The topic model: coherence by hand, the topic-count setting, planted topics recovered, and
the demo's given categories recovered by the topics of its item text."""

import numpy as np
import pytest
from scipy import sparse

from retail_recs import topics

from .conftest import query


def test_coherence_by_hand():
    # Four items; term a in items 1-2, b in 1-2, c in 3. Topic 1's top pair (a, b):
    # p(a) = p(b) = p(a, b) = 1/2, so NPMI = ln(0.5 / 0.25) / -ln 0.5 = 1.
    # Topic 2's top pair (c, a): never together, -1. Mean 0.
    X = sparse.csr_matrix(np.array([[1, 1, 0], [2, 1, 0], [0, 0, 1], [0, 0, 0]], float))
    components = np.array([[3.0, 2.0, 1.0], [2.0, 0.0, 3.0]])
    assert topics.coherence(X, components, top_n=2) == pytest.approx(0.0)
    assert topics.coherence(X, components[:1], top_n=2) == pytest.approx(1.0)
    # (a, c) in a corpus where a is in 2 of 4 items, c in 1 of them with a: p(a, c) = 1/4,
    # NPMI = ln(0.25 / (0.5 * 0.25)) / -ln 0.25 = ln 2 / ln 4 = 0.5.
    Y = sparse.csr_matrix(np.array([[1, 0, 1], [1, 0, 0], [0, 1, 0], [0, 1, 0]], float))
    assert topics.coherence(Y, np.array([[2.0, 0.0, 1.0]]), top_n=2) == pytest.approx(0.5)


def corpus_of(texts: dict[str, str]) -> topics.Corpus:
    rows = [(item, term) for item, text in texts.items() for term in text.split()]
    return topics.corpus(
        {
            "item_id": np.array([item for item, _ in rows], dtype=object),
            "term": np.array([term for _, term in rows], dtype=object),
            "term_count": np.ones(len(rows)),
        }
    )


def test_topic_count_setting():
    corpus = corpus_of({f"i{n}": "apple pear" for n in range(12)})
    assert topics.topic_counts("auto", [5, 10, 20, 1], corpus) == [5, 10]
    assert topics.topic_counts("7", [5], corpus) == [7]
    assert topics.topic_counts(7, [5], corpus) == [7]
    assert topics.topic_counts(30, [5], corpus) == []  # not below the 12 items with text
    for bad in ("seven", 1, "2.5"):
        with pytest.raises(ValueError, match="retail_recs__topic_count"):
            topics.topic_counts(bad, [5], corpus)


def test_selection_sample_is_deterministic():
    items = [f"I{n:05d}" for n in range(300)]
    rows = topics.selection_rows(items, limit=100)
    assert len(rows) == 100 and np.all(np.diff(rows) > 0)
    assert rows.tolist() == topics.selection_rows(items, limit=100).tolist()
    assert topics.selection_rows(items[:50], limit=100).tolist() == list(range(50))


def test_planted_topics_are_recovered_and_labelled():
    fruit = ["apple pear plum", "apple plum", "pear plum apple", "plum pear", "apple pear"]
    tools = ["drill saw", "hammer saw drill", "drill hammer", "saw hammer"]
    texts = {f"f{n}": fruit[n % 5] for n in range(15)} | {f"t{n}": tools[n % 4] for n in range(8)}
    corpus = corpus_of(texts)
    fitted = topics.topics(corpus, 2, seed=1)
    dominant = fitted.dominant
    groups = {item[0]: set() for item in corpus.items}
    for item, topic in zip(corpus.items, dominant, strict=True):
        groups[item[0]].add(int(topic))
    # Topic 1 (index 0) is the larger group's: the fifteen fruit items.
    assert groups == {"f": {0}, "t": {1}}
    assert set(fitted.labels[0].split(" · ")) == {"apple", "pear", "plum"}
    assert set(fitted.labels[1].split(" · ")) == {"drill", "hammer", "saw"}
    np.testing.assert_allclose(fitted.item_weights.sum(axis=1), 1, atol=1e-6)
    # Two planted topics are more coherent than five.
    candidates = topics.select(corpus, [2, 5], seed=1)
    assert [c.topic_count for c in candidates if c.is_chosen] == [2]


def test_tied_items_go_to_the_larger_topic_and_numbers_still_follow_sizes():
    """Topics 0 and 1 tie on two items (a text with no known term weighs every topic alike);
    topic 1 alone dominates three and topic 2 one. Counted with the ties at topic 0, sizes
    2, 3, 1 would number them 1, 0, 2, and the ties, sent to the larger topic after that,
    would leave the new topic 2 empty while topic 3 dominates one. Settled together: topic
    1 dominates five, topic 2 one, topic 0 none."""
    weights = np.array(
        [[0.5, 0.5, 0.0]] * 2 + [[0.1, 0.9, 0.0]] * 3 + [[0.0, 0.2, 0.8]], dtype=np.float64
    )
    order, dominant = topics.number_by_size(weights)
    assert order.tolist() == [1, 2, 0]
    assert dominant.tolist() == [0, 0, 0, 0, 0, 1]
    # Weights rounded to one decimal tie often: sizes still fall with the number.
    rng = np.random.default_rng(7)
    for _ in range(50):
        coarse = np.round(rng.dirichlet(np.full(8, 0.3), size=400), 1)
        order, dominant = topics.number_by_size(coarse)
        sizes = np.bincount(dominant, minlength=8)
        assert np.all(np.diff(sizes) <= 0), sizes
        assert sorted(order.tolist()) == list(range(8))


@pytest.mark.slow
def test_demo_topics_recover_the_given_categories(demo_warehouse):
    """The demo's item names are written from their category: the items each topic dominates
    belong mostly to one top-level category (purity), far above what the largest category
    alone would give."""
    [(purity, largest_share)] = query(
        demo_warehouse,
        """
        with dominant as (
            select item_topics.topic_id, dim_items.category_top
            from item_topics
            inner join dim_items on item_topics.item_id = dim_items.item_id
            where item_topics.is_dominant
        ),
        cells as (
            select topic_id, category_top, count(*) as items from dominant group by 1, 2
        ),
        per_topic as (
            select topic_id, max(items) as top, sum(items) as items from cells group by 1
        ),
        per_category as (select category_top, count(*) as items from dominant group by 1)
        select
            sum(top) / sum(items),
            (select max(items) from per_category) / sum(items)
        from per_topic
        """,
    )
    assert purity > 0.85, purity
    assert purity > 3 * largest_share, (purity, largest_share)
    chosen = query(demo_warehouse, "select count(*) from topic_model_selection where is_chosen")
    assert chosen == [(1,)]
