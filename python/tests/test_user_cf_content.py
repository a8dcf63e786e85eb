"""User-based CF and content-based recommenders against plain-Python versions of the same
formulas, on the small demo warehouse: Pearson neighbours, TF-IDF terms, term profiles and
both top-N lists must agree with an independent computation."""

from __future__ import annotations

import math
import re
import shutil
from collections import defaultdict

import pytest
import yaml

from retail_recs.build import run_dbt
from retail_recs.project import PROJECT_DIR

from .conftest import WITHOUT_UNIT_TESTS, query

pytestmark = pytest.mark.slow

VARS = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
TOP_N = VARS["retail_recs__recommendations_per_user"]
# Sums run in parallel in DuckDB: equal up to the last bits.
TOLERANCE = 1e-9


def customer_affinities(db) -> dict[str, dict[str, float]]:
    affinities: dict[str, dict[str, float]] = defaultdict(dict)
    for user_id, item_id, affinity in query(
        db, "select user_id, item_id, affinity from fct_interactions"
    ):
        affinities[user_id][item_id] = affinity
    return affinities


def shown_items(db) -> tuple[set[str], set[tuple[str, str]]]:
    """Active items, and the (customer, item) pairs the shared rules never show."""
    items = query(db, "select item_id, is_active, is_repeatable from dim_items")
    active = {item for item, is_active, _ in items if is_active}
    repeatable = {item for item, _, is_repeatable in items if is_repeatable}
    bought = query(db, "select user_id, item_id from fct_interactions where has_purchased")
    hidden = {(user, item) for user, item in bought if item not in repeatable}
    return active, hidden


def assert_top_n(db, table: str, expected: dict[str, dict[str, float]]) -> None:
    """Each list holds the best eligible candidates, in order, with the expected scores."""
    active, hidden = shown_items(db)
    lists: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    for user, item, score, rank in query(db, f"select user_id, item_id, score, rank from {table}"):
        lists[user].append((rank, item, score))
    eligible_users = {
        user
        for user, scores in expected.items()
        if any(s > 0 and i in active and (user, i) not in hidden for i, s in scores.items())
    }
    assert set(lists) == eligible_users
    for user, rows in lists.items():
        rows.sort()
        eligible = {
            item: score
            for item, score in expected[user].items()
            if score > 0 and item in active and (user, item) not in hidden
        }
        assert len(rows) == min(TOP_N, len(eligible))
        for _, item, score in rows:
            assert score == pytest.approx(eligible[item], abs=TOLERANCE), (user, item)
        scores = [score for _, _, score in rows]
        assert scores == sorted(scores, reverse=True)
        left_out = set(eligible) - {item for _, item, _ in rows}
        assert all(eligible[item] <= scores[-1] + TOLERANCE for item in left_out), user


def pearson_neighbours(affinities) -> dict[str, list[tuple[str, float, int]]]:
    """Every customer's top neighbours, following the documented formula step by step."""
    cap = VARS["retail_recs__user_cf_max_users_per_item"]
    means = {user: sum(items.values()) / len(items) for user, items in affinities.items()}
    customers_by_item: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for user, items in affinities.items():
        for item, affinity in items.items():
            customers_by_item[item].append((-affinity, user))
    deviations: dict[str, dict[str, float]] = defaultdict(dict)
    for item, customers in customers_by_item.items():
        for negative_affinity, user in sorted(customers)[:cap]:
            deviations[user][item] = -negative_affinity - means[user]
    candidates: dict[str, list[tuple[float, str, int]]] = defaultdict(list)
    users = sorted(deviations)
    for position, user in enumerate(users):
        for other in users[position + 1 :]:
            common = deviations[user].keys() & deviations[other].keys()
            if len(common) < VARS["retail_recs__user_cf_min_overlap"]:
                continue
            covariance = sum(deviations[user][i] * deviations[other][i] for i in common)
            user_variance = sum(deviations[user][i] ** 2 for i in common)
            other_variance = sum(deviations[other][i] ** 2 for i in common)
            if user_variance == 0 or other_variance == 0:
                continue
            correlation = min(1.0, round(covariance / math.sqrt(user_variance * other_variance), 9))
            if correlation > 0:
                # Ranked by correlation, then by more common items, then by user id.
                candidates[user].append((-correlation, -len(common), other))
                candidates[other].append((-correlation, -len(common), user))
    return {
        user: [
            (other, -r, -n)
            for r, n, other in sorted(pairs)[: VARS["retail_recs__user_cf_neighbours"]]
        ]
        for user, pairs in candidates.items()
    }


def test_neighbours_are_the_top_pearson_correlations(demo_warehouse):
    expected = pearson_neighbours(customer_affinities(demo_warehouse))
    actual: dict[str, list[tuple[int, str, float, int]]] = defaultdict(list)
    for row in query(
        demo_warehouse,
        "select user_id, neighbour_rank, neighbour_user_id, correlation, common_item_count "
        "from int_user_neighbours",
    ):
        actual[row[0]].append(row[1:])
    assert actual
    assert set(actual) == set(expected)
    for user, rows in actual.items():
        rows.sort()
        assert [rank for rank, *_ in rows] == list(range(1, len(rows) + 1))
        assert [(other, n) for _, other, _, n in rows] == [(o, n) for o, _, n in expected[user]]
        for (_, _, correlation, _), (_, r, _) in zip(rows, expected[user], strict=True):
            assert correlation == pytest.approx(r, abs=TOLERANCE)


def test_user_cf_lists_sum_correlation_times_neighbour_affinity(demo_warehouse):
    affinities = customer_affinities(demo_warehouse)
    expected: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for user, neighbour, correlation in query(
        demo_warehouse, "select user_id, neighbour_user_id, correlation from int_user_neighbours"
    ):
        for item, affinity in affinities[neighbour].items():
            if affinity > 0:
                expected[user][item] += correlation * affinity
    assert_top_n(demo_warehouse, "recommendations_user_cf", expected)


STOPWORDS = {
    line.strip().lower()
    for line in (PROJECT_DIR / "seeds/stopwords.csv").read_text().splitlines()[1:]
}


def terms_of(text: str) -> list[str]:
    """Lower-case runs of letters and digits, without short words, stopwords and numbers."""
    return [
        token
        for token in re.findall(r"[^\W_]+", text.lower())
        if len(token) >= VARS["retail_recs__content_min_token_length"]
        and token not in STOPWORDS
        and not re.fullmatch("[0-9]+", token)
    ]


def test_item_terms_are_normalised_tf_idf(demo_warehouse):
    items = query(demo_warehouse, "select item_id, name, description, category from dim_items")
    counts = {item: defaultdict(int) for item, *_ in items}
    for item, *texts in items:
        for term in terms_of(" ".join(text or "" for text in texts)):
            counts[item][term] += 1
    document_frequency: dict[str, int] = defaultdict(int)
    for terms in counts.values():
        for term in terms:
            document_frequency[term] += 1
    expected = {}
    for item, terms in counts.items():
        tfidf = {
            term: tf * math.log(len(items) / document_frequency[term])
            for term, tf in terms.items()
            if document_frequency[term] < len(items)
        }
        norm = math.sqrt(sum(w * w for w in tfidf.values()))
        expected.update({(item, term): w / norm for term, w in tfidf.items()})
    actual = dict(
        ((item, term), weight)
        for item, term, weight in query(
            demo_warehouse, "select item_id, term, weight from int_item_terms"
        )
    )
    assert actual.keys() == expected.keys()
    for key, weight in actual.items():
        assert weight == pytest.approx(expected[key], abs=TOLERANCE), key


def test_content_profiles_and_lists_follow_the_formulas(demo_warehouse):
    item_terms: dict[str, dict[str, float]] = defaultdict(dict)
    for item, term, weight in query(
        demo_warehouse, "select item_id, term, weight from int_item_terms"
    ):
        item_terms[item][term] = weight
    profiles: dict[str, dict[str, float]] = {}
    for user, items in customer_affinities(demo_warehouse).items():
        sums: dict[str, float] = defaultdict(float)
        for item, affinity in items.items():
            if affinity > 0:
                for term, weight in item_terms[item].items():
                    sums[term] += affinity * weight
        rounded = {term: round(score, 9) for term, score in sums.items()}
        kept = sorted(rounded.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = kept[: VARS["retail_recs__content_terms_per_user"]]
        norm = math.sqrt(sum(score * score for _, score in kept))
        if kept:
            profiles[user] = {term: score / norm for term, score in kept}
    actual = query(demo_warehouse, "select user_id, term, weight from int_user_term_profiles")
    assert len(actual) == sum(len(terms) for terms in profiles.values())
    for user, term, weight in actual:
        assert weight == pytest.approx(profiles[user][term], abs=TOLERANCE), (user, term)

    # Each term keeps its items of highest weight * ln(2 + purchasers); ties by id (the
    # dense index sorts like the id).
    active, _ = shown_items(demo_warehouse)
    purchasers = dict(query(demo_warehouse, "select item_id, purchaser_count from dim_items"))
    items_by_term: dict[str, list[tuple[float, str, float]]] = defaultdict(list)
    for item, terms in item_terms.items():
        if item in active:
            for term, weight in terms.items():
                order = -weight * math.log(2 + purchasers[item])
                items_by_term[term].append((order, item, weight))
    cap = VARS["retail_recs__content_items_per_term"]
    expected: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for user, terms in profiles.items():
        for term, profile_weight in terms.items():
            for _, item, weight in sorted(items_by_term[term])[:cap]:
                expected[user][item] += profile_weight * weight
    assert_top_n(demo_warehouse, "recommendations_content", expected)


@pytest.mark.parametrize(
    ("tampering", "failing_test"),
    [
        (
            "update int_user_neighbours set correlation = 1.5 where neighbour_rank = 1",
            "accepted_range",
        ),
        ("update recommendations_content set rank = rank + 1 where rank = 2", "contiguous_ranks"),
    ],
)
def test_recommender_data_tests_fail_on_broken_data(
    demo_warehouse, small_demo_data, tmp_path, tampering, failing_test
):
    import duckdb

    broken = tmp_path / "broken.duckdb"
    shutil.copy(demo_warehouse, broken)
    con = duckdb.connect(str(broken))
    con.execute(tampering)
    con.close()
    result = run_dbt(
        "test",
        small_demo_data,
        broken,
        extra_args=[
            "--select",
            "int_user_neighbours",
            "recommendations_content",
            *WITHOUT_UNIT_TESTS,
        ],
    )
    assert not result.success
    failed = {r.node.name for r in result.result if r.status in ("fail", "error")}
    assert any(name.startswith(failing_test) for name in failed), failed
