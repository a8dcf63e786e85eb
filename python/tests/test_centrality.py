"""PageRank on known answers: the published example graph, and graphs solved by hand."""

import numpy as np
import pytest

from retail_recs import centrality

# The example graph of Wikipedia's PageRank article (11 pages, A dangling, damping 0.85) and
# its published ranks in percent, one decimal.
WIKIPEDIA_EDGES = [
    ("B", "C"), ("C", "B"), ("D", "A"), ("D", "B"), ("E", "B"), ("E", "D"), ("E", "F"),
    ("F", "B"), ("F", "E"), ("G", "B"), ("G", "E"), ("H", "B"), ("H", "E"), ("I", "B"),
    ("I", "E"), ("J", "E"), ("K", "E"),
]  # fmt: skip
WIKIPEDIA_PERCENT = {
    "A": 3.3, "B": 38.4, "C": 34.3, "D": 3.9, "E": 8.1, "F": 3.9,
    "G": 1.6, "H": 1.6, "I": 1.6, "J": 1.6, "K": 1.6,
}  # fmt: skip


def test_the_published_example_graph():
    names = sorted(WIKIPEDIA_PERCENT)
    sources = [names.index(a) for a, _ in WIKIPEDIA_EDGES]
    targets = [names.index(b) for _, b in WIKIPEDIA_EDGES]
    rank = centrality.pagerank(sources, targets, np.ones(len(sources)), len(names))
    assert rank.sum() == pytest.approx(1.0, abs=1e-12)
    for name, value in zip(names, rank, strict=True):
        assert 100 * value == pytest.approx(WIKIPEDIA_PERCENT[name], abs=0.05), name


def test_a_star_by_hand():
    # Hub 0 linked both ways with leaves 1..3 (unit weights), damping d = 0.85, n = 4:
    # leaf r = (1 - d)/4 + d·h/3 and hub h = (1 - d)/4 + d·3r, with h + 3r = 1.
    # So h = (1 - d)/4 + d(1 - h)  =>  h = ((1 - d)/4 + d) / (1 + d).
    rank = centrality.pagerank([0, 0, 0, 1, 2, 3], [1, 2, 3, 0, 0, 0], np.ones(6), 4)
    hub = ((1 - 0.85) / 4 + 0.85) / 1.85
    np.testing.assert_allclose(rank, [hub] + [(1 - hub) / 3] * 3, atol=1e-12)


def test_co_purchase_weights_pull_rank_towards_the_heavier_pair():
    items, rank = centrality.co_purchase_pagerank(
        np.array(["b", "a"], dtype=object), np.array(["c", "b"], dtype=object), np.array([9, 1])
    )
    assert items.tolist() == ["a", "b", "c"]
    # b sits on both edges; c shares b's heavy edge, a only its light one.
    assert rank[1] > rank[2] > rank[0]
    assert rank.sum() == pytest.approx(1.0)


def test_a_dangling_node_jumps_anywhere():
    # 0 -> 1, and 1 has no out-edge, so its walk jumps to either node. By hand:
    # r0 = (1 - d)/2 + d·r1/2 and r1 = (1 - d)/2 + d·(r0 + r1/2).
    d = 0.85
    rank = centrality.pagerank([0], [1], [1.0], 2, damping=d)
    expected = np.linalg.solve(np.array([[1, -d / 2], [-d, 1 - d / 2]]), [(1 - d) / 2] * 2)
    np.testing.assert_allclose(rank, expected, atol=1e-12)
    assert expected.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"damping": 1.0}, "retail_recs__centrality_damping"),
        ({"weights": [-1.0]}, "non-negative"),
        ({"targets": [5]}, "node ids"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    arguments = {"sources": [0], "targets": [1], "weights": [1.0], "n_nodes": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        centrality.pagerank(**arguments)
