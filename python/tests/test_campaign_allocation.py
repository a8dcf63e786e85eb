"""The budgeted allocation inside `dbt build`: two new campaigns compete for the customers of
the demo warehouse after its campaign round (whose four campaigns are sent, so frozen).

The project is copied with two rows added to seed campaigns (the shop's own edit); the copy
builds the campaign models on a copy of the warehouse, with the uplift learner allowed on the
small demo's few experiment members so that every pair has a value to rank by. Last, a sent
campaign whose holdout was never loaded is a build warning.
"""

from __future__ import annotations

import csv
import itertools
import math
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from dbt.cli.main import dbtRunner

from retail_recs import build
from retail_recs.build import run_dbt
from retail_recs.project import PROJECT_DIR

from .conftest import query_dicts

pytestmark = pytest.mark.slow

NEW_CAMPAIGNS = [
    {
        "campaign_id": "spring_a",
        "campaign_name": "Spring: 20% off",
        "channel": "email",
        "offer_type": "percent",
        "offer_value": "20",
        "coupon_prefix": "SPA",
        "product_count": "3",
        "recommender": "hybrid",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-15",
        "control_share": "0.2",
        "frequency_cap_days": "7",
        "target_by": "propensity",
        "max_recipients": "100",
    },
    {
        "campaign_id": "spring_b",
        "campaign_name": "Spring: 10 off",
        "channel": "email",
        "offer_type": "fixed_amount",
        "offer_value": "10",
        "coupon_prefix": "SPB",
        "product_count": "3",
        "recommender": "hybrid",
        "starts_on": "2026-03-09",
        "ends_on": "2026-03-20",
        "control_share": "0.2",
        "frequency_cap_days": "7",
        "target_by": "propensity",
        "budget": "400",
    },
]


def project_with_new_campaigns(root: Path) -> Path:
    project = root / "project"
    for name in ("models", "macros", "seeds", "tests"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    seed = project / "seeds" / "campaigns.csv"
    with seed.open(newline="") as handle:
        header = next(csv.reader(handle))
    with seed.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for campaign in NEW_CAMPAIGNS:
            writer.writerow({column: campaign.get(column, "") for column in header})
    return project


@pytest.fixture(scope="module")
def allocated(demo_warehouse, small_demo_data, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("allocation")
    db_path = root / "warehouse.duckdb"
    shutil.copy(demo_warehouse, db_path)
    project = project_with_new_campaigns(root)
    args = build.dbt_args(
        "build",
        small_demo_data,
        {"retail_recs__uplift_min_group_members": 5},
        ["--select", "campaigns+", "campaign_exclusion_reasons", "uplift_model_metrics+"],
    )
    args = [str(project) if arg == str(PROJECT_DIR) else arg for arg in args]
    args += ["--target-path", str(root / "target")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RETAIL_RECS_DB", str(db_path))
        result = dbtRunner().invoke(args)
    build._release_duckdb()
    assert result.success, f"dbt build with two new campaigns failed: {result.exception}"
    return db_path


def per_cost(value: float, cost: float) -> float:
    """Value per unit of coupon cost; a free coupon's value is infinitely good (or bad)."""
    if cost > 0:
        return value / cost
    return math.copysign(math.inf, value) if value else 0.0


def test_every_competing_pair_has_a_value_to_rank_by(allocated):
    (counts,) = query_dicts(
        allocated,
        "select count(*) as pairs, count(expected_incremental_value) as valued,"
        " count(*) filter (where expected_incremental_value > 0) as positive"
        " from int_campaign_candidates where campaign_id like 'spring_%'"
        " and base_exclusion_reason is null",
    )
    assert counts["pairs"] > 300 and counts["valued"] == counts["pairs"], counts
    assert 0 < counts["positive"] < counts["pairs"], counts


def test_the_greedy_takes_pairs_by_value_per_coupon_cost(allocated):
    ranked = query_dicts(
        allocated,
        """
        select a.allocation_order, c.expected_incremental_value as value,
            c.expected_coupon_cost as cost
        from int_campaign_allocation a
        join int_campaign_candidates c using (campaign_id, user_id)
        where a.campaign_id like 'spring_%'
        order by a.allocation_order
        """,
    )
    positive = [r for r in ranked if r["value"] > 0]
    others = [r for r in ranked if r["value"] <= 0]
    # Every positive value comes before every known loss.
    assert max(r["allocation_order"] for r in positive) < min(r["allocation_order"] for r in others)
    for tier in (positive, others):
        ratios = [per_cost(r["value"], r["cost"]) for r in tier]
        assert all(a >= b - 1e-12 for a, b in itertools.pairwise(ratios))


def test_no_customer_is_in_both_and_the_loser_names_the_winner(allocated):
    members = query_dicts(
        allocated,
        "select campaign_id, user_id, is_eligible, exclusion_reason, excluded_by_campaign_id"
        " from campaign_audiences where campaign_id like 'spring_%'",
    )
    eligible = {(r["campaign_id"], r["user_id"]) for r in members if r["is_eligible"]}
    both = {u for c, u in eligible if c == "spring_a"} & {u for c, u in eligible if c == "spring_b"}
    assert not both
    lost = [r for r in members if r["exclusion_reason"] == "overlapping_campaign"]
    assert lost, "the two campaigns overlap, so some customer qualifies for both"
    for r in lost:
        assert (r["excluded_by_campaign_id"], r["user_id"]) in eligible
    # Some customers went to the later campaign although the earlier one wanted them too:
    # earliest start does not decide.
    assert any(r["excluded_by_campaign_id"] == "spring_b" for r in lost)


def test_caps_close_a_campaign_for_both_groups(allocated):
    decided = query_dicts(
        allocated,
        """
        select a.campaign_id, a.allocation_order, a.is_allocated, a.allocation_reason,
            a.experiment_group, c.expected_coupon_cost
        from int_campaign_allocation a
        join int_campaign_candidates c using (campaign_id, user_id)
        where a.campaign_id like 'spring_%'
        """,
    )
    for campaign_id, reason in (("spring_a", "max_recipients"), ("spring_b", "budget")):
        own = [r for r in decided if r["campaign_id"] == campaign_id]
        closed = [r for r in own if r["allocation_reason"] == reason]
        admitted = [r for r in own if r["is_allocated"]]
        assert closed, f"{campaign_id} should reach its {reason}"
        # Everyone admitted comes before the pair that closed the campaign, either group.
        first_closed = min(r["allocation_order"] for r in closed)
        assert max(r["allocation_order"] for r in admitted) < first_closed
        assert {r["experiment_group"] for r in closed} == {"treatment", "control"}
        treated = [r for r in admitted if r["experiment_group"] == "treatment"]
        if reason == "max_recipients":
            assert len(treated) == 100
        else:
            spent = sum(r["expected_coupon_cost"] for r in treated)
            assert 0 < spent <= 400


def test_sent_campaigns_are_untouched(demo_warehouse, allocated):
    query = (
        "select * from campaign_audiences where campaign_id not like 'spring_%'"
        " order by campaign_id, user_id"
    )
    before = query_dicts(demo_warehouse, query)
    assert before and query_dicts(allocated, query) == before


def test_a_send_without_its_holdout_is_a_build_warning(demo_warehouse, small_demo_data, tmp_path):
    """Drop the held_out events of one sent campaign: build_warnings names it (its control
    group teaches the uplift model nothing and is no longer kept out of other campaigns)."""
    db_path, responses = tmp_path / "warehouse.duckdb", tmp_path / "campaign_events.parquet"
    shutil.copy(demo_warehouse, db_path)
    events = pq.read_table(small_demo_data / "campaign_events.parquet")
    keep = pc.invert(
        pc.and_(
            pc.equal(events.column("campaign_id"), "picks_2026_01"),
            pc.equal(events.column("event_type"), "held_out"),
        )
    )
    assert pc.sum(pc.invert(keep)).as_py() > 0
    pq.write_table(events.filter(keep), responses)
    # Only the staging of the responses and the warnings: `run`, as the other tables (the
    # reconciliation among them) still describe the old responses.
    result = run_dbt(
        "run",
        small_demo_data,
        db_path,
        {"retail_recs__campaign_events_location": str(responses)},
        [
            "--select",
            "base_campaign_events",
            "stg_campaign_events_checked",
            "stg_campaign_events",
            "build_warnings",
        ],
    )
    assert result.success, result.exception
    warnings = {
        row["warning"]: row["detail"]
        for row in query_dicts(db_path, "select * from build_warnings")
    }
    assert "picks_2026_01" in warnings["holdout_not_loaded"]
    assert "holdout_not_loaded" not in {
        row["warning"] for row in query_dicts(demo_warehouse, "select warning from build_warnings")
    }
