"""Item similarity must find the groups of items the demo generator plants as bought together."""

from __future__ import annotations

import pytest

from .conftest import query

pytestmark = pytest.mark.slow

TOP_K = 10
MIN_RECOVERY = 0.8


def partner_recovery(db_path, planted_groups) -> dict[str, float]:
    """For every planted item: the share of its group partners among its top-10 neighbours."""
    neighbours: dict[str, set[str]] = {}
    for item_id, similar_item_id in query(
        db_path, f"select item_id, similar_item_id from item_similarity where rank <= {TOP_K}"
    ):
        neighbours.setdefault(item_id, set()).add(similar_item_id)
    recovery = {}
    for group in planted_groups:
        for item in group:
            partners = set(group) - {item}
            recovery[item] = len(partners & neighbours.get(item, set())) / len(partners)
    return recovery


def test_planted_groups_come_back_as_nearest_neighbours(demo_warehouse, ground_truth):
    recovery = partner_recovery(demo_warehouse, ground_truth["planted_groups"])
    weakest = sorted(recovery.items(), key=lambda kv: kv[1])[:5]
    assert min(recovery.values()) >= MIN_RECOVERY, weakest


def test_recovery_measure_sees_a_broken_similarity(demo_warehouse, ground_truth):
    # Sanity of the measure itself: shuffled groups (items that were never planted together)
    # must not look recovered.
    groups = ground_truth["planted_groups"]
    shuffled = [[group[0] for group in groups[i : i + 4]] for i in range(0, len(groups) - 3, 4)]
    recovery = partner_recovery(demo_warehouse, shuffled)
    assert sum(recovery.values()) / len(recovery) < 0.3
