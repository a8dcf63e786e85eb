"""Known answers of the budgeted allocation (retail_recs.allocation), computed by hand."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from retail_recs.allocation import Campaign, allocate, conflict

NAN = float("nan")


def pairs_table(rows: list[tuple]) -> pa.Table:
    """(campaign, user, group, value, cost, purchase probability[, recently messaged])."""
    rows = [row if len(row) == 7 else (*row, False) for row in rows]
    names = [
        "campaign_id",
        "user_id",
        "assigned_group",
        "expected_incremental_value",
        "expected_coupon_cost",
        "purchase_probability",
        "was_recently_messaged",
    ]
    columns = list(zip(*rows, strict=True))
    return pa.table(
        {
            name: pa.array([None if v != v else v for v in values])  # NaN -> NULL
            if isinstance(values[0], float)
            else pa.array(values)
            for name, values in zip(names, columns, strict=True)
        }
    )


def members(rows: list[tuple[str, str, str]] = ()) -> pa.Table:
    return pa.table(
        {
            "campaign_id": pa.array([r[0] for r in rows], pa.string()),
            "user_id": pa.array([r[1] for r in rows], pa.string()),
            "experiment_group": pa.array([r[2] for r in rows], pa.string()),
        }
    )


def decisions(table: pa.Table) -> dict[tuple[str, str], tuple]:
    """(campaign, user) -> (allocated, reason, winner, group)."""
    return {
        (row["campaign_id"], row["user_id"]): (
            row["is_allocated"],
            row["allocation_reason"],
            row["excluded_by_campaign_id"],
            row["experiment_group"],
        )
        for row in table.to_pylist()
    }


def test_conflicts_between_two_campaigns():
    january = Campaign("a", date(2026, 1, 1), date(2026, 1, 14), 0)
    assert conflict(january, Campaign("b", date(2026, 1, 14), date(2026, 1, 20), 0)) == (
        "overlapping_campaign"
    )
    # 14 days apart: inside a 15-day cap, on the edge of a 14-day one.
    assert conflict(january, Campaign("c", date(2026, 1, 15), date(2026, 1, 20), 15)) == (
        "frequency_cap"
    )
    assert conflict(Campaign("d", date(2026, 1, 15), date(2026, 1, 20), 14), january) is None


def test_greedy_by_value_per_cost_under_caps_differs_from_earliest_start():
    """A (1-14 Jan, budget 6) and B (10-20 Jan, at most 2 treated) overlap.

    Order by value per cost: u1·B (3/1), u2·A (6/3 = 2, value 6), u2·B (4/2 = 2, value 4),
    u3·B (2/2 = 1, value 2), u3·A (1/1 = 1), u1·A (2/4), u4·B (1/4, value 1), u6·A (0.5/2),
    then the pairs without an estimate by purchase probability: u5·A (0.9), u7·A (0.5).
    u1 goes to B although A starts first (earliest start would give A). B's third treated
    customer (u4) finds it full; A has spent 3 + 2 = 5 when u5's cost 2 would take it past 6,
    so A closes and its control customer u7, later in the order, is not admitted either.
    """
    campaigns = [
        Campaign("A", date(2026, 1, 1), date(2026, 1, 14), 0, budget=6.0),
        Campaign("B", date(2026, 1, 10), date(2026, 1, 20), 0, max_recipients=2),
    ]
    pairs = pairs_table(
        [
            ("A", "u1", "treatment", 2.0, 4.0, 0.3),
            ("B", "u1", "treatment", 3.0, 1.0, 0.3),
            ("A", "u2", "treatment", 6.0, 3.0, 0.3),
            ("B", "u2", "treatment", 4.0, 2.0, 0.3),
            ("A", "u3", "treatment", 1.0, 1.0, 0.3),
            ("B", "u3", "treatment", 2.0, 2.0, 0.3),
            ("B", "u4", "treatment", 1.0, 4.0, 0.3),
            ("A", "u5", "treatment", NAN, 2.0, 0.9),
            ("A", "u6", "treatment", 0.5, 2.0, 0.3),
            ("A", "u7", "control", NAN, 0.0, 0.5),
        ]
    )
    result = allocate(campaigns, pairs, members())
    assert decisions(result) == {
        ("B", "u1"): (True, None, None, "treatment"),
        ("A", "u1"): (False, "overlapping_campaign", "B", "treatment"),
        ("A", "u2"): (True, None, None, "treatment"),
        ("B", "u2"): (False, "overlapping_campaign", "A", "treatment"),
        ("B", "u3"): (True, None, None, "treatment"),
        ("A", "u3"): (False, "overlapping_campaign", "B", "treatment"),
        ("B", "u4"): (False, "max_recipients", None, "treatment"),
        ("A", "u6"): (True, None, None, "treatment"),
        ("A", "u5"): (False, "budget", None, "treatment"),
        ("A", "u7"): (False, "budget", None, "control"),
    }
    order = {(r["campaign_id"], r["user_id"]): r["allocation_order"] for r in result.to_pylist()}
    assert sorted(order, key=order.get) == [
        ("B", "u1"),
        ("A", "u2"),
        ("B", "u2"),
        ("B", "u3"),
        ("A", "u3"),
        ("A", "u1"),
        ("B", "u4"),
        ("A", "u6"),
        ("A", "u5"),
        ("A", "u7"),
    ]


def test_frequency_cap_never_depends_on_a_campaigns_own_group():
    """E (1-3 Jan) and L (10-12 Jan, 14-day cap): 9 days apart, inside L's cap.

    v1 goes to L first (value per cost 5 against 1): E then admits v1 in neither group, even
    though v1 would be in E's control. v2 goes to E first, as control (not messaged), so L
    still admits v2. v3 goes to E first, treated, so L keeps v3 out. v4 had a message of a
    sent campaign inside L's cap (int_campaign_candidates.was_recently_messaged).
    """
    campaigns = [
        Campaign("E", date(2026, 1, 1), date(2026, 1, 3), 0),
        Campaign("L", date(2026, 1, 10), date(2026, 1, 12), 14),
    ]
    pairs = pairs_table(
        [
            ("E", "v1", "control", 1.0, 1.0, 0.2),
            ("L", "v1", "treatment", 5.0, 1.0, 0.2),
            ("E", "v2", "control", 5.0, 1.0, 0.2),
            ("L", "v2", "treatment", 1.0, 1.0, 0.2),
            ("E", "v3", "treatment", 5.0, 1.0, 0.2),
            ("L", "v3", "control", 1.0, 1.0, 0.2),
            ("L", "v4", "treatment", 5.0, 1.0, 0.2, True),
        ]
    )
    assert decisions(allocate(campaigns, pairs, members())) == {
        ("L", "v1"): (True, None, None, "treatment"),
        ("E", "v1"): (False, "frequency_cap", "L", "control"),
        ("E", "v2"): (True, None, None, "control"),
        ("L", "v2"): (True, None, None, "treatment"),
        ("E", "v3"): (True, None, None, "treatment"),
        ("L", "v3"): (False, "frequency_cap", "E", "control"),
        ("L", "v4"): (False, "frequency_cap", None, "treatment"),
    }


def test_without_estimates_the_earliest_start_wins_and_caps_take_the_likeliest_buyers():
    campaigns = [
        Campaign("late", date(2026, 2, 1), date(2026, 2, 28), 0),
        Campaign("early", date(2026, 1, 20), date(2026, 2, 10), 0, max_recipients=1),
    ]
    pairs = pairs_table(
        [
            ("late", "w1", "treatment", NAN, 1.0, 0.9),
            ("early", "w1", "treatment", NAN, 1.0, 0.9),
            ("early", "w2", "treatment", NAN, 1.0, 0.4),
            ("late", "w2", "treatment", NAN, 1.0, 0.4),
            ("early", "w3", "treatment", NAN, 1.0, NAN),
        ]
    )
    assert decisions(allocate(campaigns, pairs, members())) == {
        ("early", "w1"): (True, None, None, "treatment"),
        ("late", "w1"): (False, "overlapping_campaign", "early", "treatment"),
        ("early", "w2"): (False, "max_recipients", None, "treatment"),
        ("late", "w2"): (True, None, None, "treatment"),
        ("early", "w3"): (False, "max_recipients", None, "treatment"),
    }


def test_a_sent_campaign_keeps_its_members_whatever_starts_first():
    """S was sent to s1 (treated) and held out s2; N starts before S and overlaps it, and has
    the better value for s2, yet S's members stay where they are. S's other candidates get
    the reason replayed from the sends: s3 is a member of E, sent earlier and overlapping S;
    nothing explains s7. H has only held_out events, which is not a send: it is decided like
    any unsent campaign."""
    campaigns = [
        Campaign("S", date(2026, 3, 10), date(2026, 3, 20), 0),
        Campaign("N", date(2026, 3, 1), date(2026, 3, 15), 0),
        Campaign("H", date(2026, 5, 1), date(2026, 5, 5), 0),
        Campaign("E", date(2026, 2, 1), date(2026, 3, 10), 0),
    ]
    pairs = pairs_table(
        [
            ("S", "s1", "control", 1.0, 1.0, 0.5),
            ("S", "s2", "control", 1.0, 1.0, 0.5),
            ("S", "s3", "treatment", 1.0, 1.0, 0.5),
            ("S", "s7", "treatment", 1.0, 1.0, 0.5),
            ("N", "s2", "treatment", 9.0, 1.0, 0.5),
            ("N", "s4", "treatment", 9.0, 1.0, 0.5),
            ("H", "s5", "treatment", 1.0, 1.0, 0.5),
        ]
    )
    sent = members(
        [
            ("S", "s1", "treatment"),
            ("S", "s2", "control"),
            ("H", "s6", "control"),
            ("E", "s3", "treatment"),
        ]
    )
    assert decisions(allocate(campaigns, pairs, sent)) == {
        ("S", "s1"): (True, None, None, "treatment"),
        ("S", "s2"): (True, None, None, "control"),
        ("S", "s3"): (False, "overlapping_campaign", "E", None),
        ("S", "s7"): (False, "not_in_send", None, None),
        ("N", "s2"): (False, "overlapping_campaign", "S", "treatment"),
        ("N", "s4"): (True, None, None, "treatment"),
        ("H", "s5"): (True, None, None, "treatment"),
    }


def test_a_candidate_of_a_campaign_missing_from_the_seed_is_named():
    campaigns = [Campaign("A", date(2026, 1, 1), date(2026, 1, 2), 0)]
    pairs = pairs_table([("Z", "u1", "treatment", 1.0, 1.0, 0.5)])
    with pytest.raises(ValueError, match=r"\['Z'\]"):
        allocate(campaigns, pairs, members())
