"""Budgeted allocation: which campaign each customer gets when campaigns compete for them.

The greedy of budgeted campaign optimisation. Every (campaign, customer) pair open to the
campaign is ranked once, best first, and taken in that order: a pair is admitted while the
customer is in no conflicting campaign and the campaign has room under its caps. No library
offers this rule with the experiment constraints below, so it is the project's own logic:

- **Order** (``greedy_order``), in three tiers:
  1. pairs with a positive expected incremental value (uplift x expected order value - expected
     coupon cost, from int_campaign_candidates), by value per unit of expected coupon cost
     (free pairs first), then by value;
  2. pairs without an uplift estimate, by the campaign's start, then its id, then the
     customer's purchase probability (highest first): with no estimate anywhere this is the
     old rule, "the earliest start wins";
  3. pairs whose value is known and not positive, by value per unit of cost.
- **Conflicts** (``conflict``): two campaigns whose dates overlap share no customer (either
  group). An earlier campaign starting fewer than the later one's ``frequency_cap_days``
  before it keeps its *treated* customers out of the later one; when the later campaign took
  the customer first, the earlier one admits them in neither group, so that no campaign's
  admission ever depends on its own group (that would unbalance treatment and control).
- **Caps**: ``max_recipients`` counts treated customers (those messaged); ``budget`` is the sum
  of their expected coupon costs. A campaign closes at the first treated pair that would
  exceed either, and admits nobody after it (either group), so what it admits is a prefix of
  the order in which groups stay random.
- **Sent campaigns** are fixed: their members are those of campaign_events (sent: treatment,
  held_out: control), allocated before anyone else. Another candidate of a sent campaign
  gets the reason replayed from the sends (``_replayed_reason``), else ``not_in_send``: the
  DuckDB warehouse keeps a sent audience as it was, so this is what a rebuild from scratch
  shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TREATMENT, CONTROL = "treatment", "control"
OVERLAP, FREQUENCY_CAP = "overlapping_campaign", "frequency_cap"
MAX_RECIPIENTS, BUDGET, NOT_IN_SEND = "max_recipients", "budget", "not_in_send"

SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("user_id", pa.string()),
        ("experiment_group", pa.string()),
        ("allocation_order", pa.int64()),
        ("is_allocated", pa.bool_()),
        ("allocation_reason", pa.string()),
        ("excluded_by_campaign_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    starts_on: date
    ends_on: date
    frequency_cap_days: int
    max_recipients: int | None = None
    budget: float | None = None

    @property
    def order_key(self) -> tuple[date, str]:
        return (self.starts_on, self.campaign_id)


def conflict(a: Campaign, b: Campaign) -> str | None:
    """How two campaigns restrict each other: OVERLAP, FREQUENCY_CAP or None."""
    earlier, later = sorted((a, b), key=lambda campaign: campaign.order_key)
    if earlier.ends_on >= later.starts_on:
        return OVERLAP
    if (later.starts_on - earlier.starts_on).days < later.frequency_cap_days:
        return FREQUENCY_CAP
    return None


def greedy_order(
    value: np.ndarray,
    cost: np.ndarray,
    campaign_rank: np.ndarray,
    purchase_probability: np.ndarray,
    user_rank: np.ndarray,
) -> np.ndarray:
    """Indices of the pairs in the order the greedy takes them (module docstring).

    ``value`` is NaN without an uplift estimate; ``purchase_probability`` NaN without a score;
    ``campaign_rank`` is the campaign's position by start then id; ``user_rank`` breaks ties.
    """
    known = ~np.isnan(value)
    tier = np.where(known, np.where(value > 0, 0, 2), 1)
    safe_value = np.where(known, value, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, safe_value / np.where(cost > 0, cost, 1.0), safe_value * np.inf)
    ratio = np.where(known & ~np.isnan(ratio), ratio, 0.0)
    # Tier 1 alone is ordered by campaign, then by purchase probability (unscored last).
    probability = np.where(tier == 1, np.nan_to_num(purchase_probability, nan=-1.0), 0.0)
    by_campaign_first = np.where(tier == 1, campaign_rank, 0)
    return np.lexsort(
        (user_rank, campaign_rank, -probability, by_campaign_first, -safe_value, -ratio, tier)
    )


def allocate(
    campaigns: Sequence[Campaign],
    pairs: pa.Table,
    sent_members: pa.Table,
) -> pa.Table:
    """Decide every open pair (SCHEMA rows, one per row of ``pairs``).

    ``pairs``: campaign_id, user_id, assigned_group (the hash group), was_recently_messaged,
    expected_incremental_value, expected_coupon_cost, purchase_probability: the candidates no
    rule of their own excludes. ``sent_members``: campaign_id, user_id, experiment_group of
    every member of a send (treatment) or holdout (control) in campaign_events; a campaign is
    sent, and fixed, once it has a treated member.
    """
    by_id = {campaign.campaign_id: campaign for campaign in campaigns}
    ordered = sorted(campaigns, key=lambda campaign: campaign.order_key)
    position = {campaign.campaign_id: i for i, campaign in enumerate(ordered)}
    members = [row for row in sent_members.to_pylist() if row["campaign_id"] in by_id]
    # Held_out events alone do not make a send: such a campaign is still decided here.
    sent_campaigns = {row["campaign_id"] for row in members if row["experiment_group"] == TREATMENT}
    sent = {
        (row["campaign_id"], row["user_id"]): row["experiment_group"]
        for row in members
        if row["campaign_id"] in sent_campaigns
    }

    campaign_ids = pairs.column("campaign_id").to_pylist()
    unknown = sorted(set(campaign_ids) - set(by_id))
    if unknown:
        raise ValueError(f"int_campaign_candidates has campaigns not in the seed: {unknown}")
    user_ids = pairs.column("user_id").to_pylist()
    groups = pairs.column("assigned_group").to_pylist()
    messaged = pairs.column("was_recently_messaged").to_pylist()
    value = _floats(pairs, "expected_incremental_value")
    cost = np.nan_to_num(_floats(pairs, "expected_coupon_cost"), nan=0.0)
    n = pairs.num_rows

    # Sent campaigns' members hold their places before anyone is ranked.
    admitted: dict[str, list[tuple[str, str]]] = {}
    for (campaign_id, user_id), group in sorted(sent.items()):
        admitted.setdefault(user_id, []).append((campaign_id, group))

    result_group = list(groups)
    result_order: list[int | None] = [None] * n
    is_allocated = [False] * n
    reason: list[str | None] = [None] * n
    winner: list[str | None] = [None] * n
    conflicts = {
        (a.campaign_id, b.campaign_id): conflict(a, b)
        for a in campaigns
        for b in campaigns
        if a.campaign_id != b.campaign_id
    }
    ranked = []
    for i in range(n):
        if campaign_ids[i] in sent_campaigns:
            group = sent.get((campaign_ids[i], user_ids[i]))
            is_allocated[i] = group is not None
            result_group[i] = group
            if group is None:
                reason[i], winner[i] = _replayed_reason(
                    by_id[campaign_ids[i]],
                    admitted.get(user_ids[i], ()),
                    by_id,
                    conflicts,
                    messaged[i],
                )
        else:
            ranked.append(i)
    ranked = np.array(ranked, dtype=np.int64)

    if len(ranked):
        user_rank = np.unique(np.array(user_ids, dtype=object)[ranked], return_inverse=True)[1]
        order = ranked[
            greedy_order(
                value[ranked],
                cost[ranked],
                np.array([position[campaign_ids[i]] for i in ranked]),
                _floats(pairs, "purchase_probability")[ranked],
                user_rank,
            )
        ]
    else:
        order = ranked
    treated = dict.fromkeys(by_id, 0)
    spent = dict.fromkeys(by_id, 0.0)
    closed: dict[str, str] = {}
    for step, i in enumerate(order.tolist(), start=1):
        campaign = by_id[campaign_ids[i]]
        result_order[i] = step
        reason[i], winner[i] = _conflict_with_admitted(
            campaign, admitted.get(user_ids[i], ()), by_id, conflicts, messaged[i]
        )
        if reason[i] is None and campaign.campaign_id in closed:
            reason[i] = closed[campaign.campaign_id]
        if reason[i] is None and groups[i] == TREATMENT:
            if (
                campaign.max_recipients is not None
                and treated[campaign.campaign_id] >= campaign.max_recipients
            ):
                reason[i] = closed[campaign.campaign_id] = MAX_RECIPIENTS
            elif (
                campaign.budget is not None
                and spent[campaign.campaign_id] + cost[i] > campaign.budget
            ):
                reason[i] = closed[campaign.campaign_id] = BUDGET
        if reason[i] is None:
            is_allocated[i] = True
            admitted.setdefault(user_ids[i], []).append((campaign.campaign_id, groups[i]))
            if groups[i] == TREATMENT:
                treated[campaign.campaign_id] += 1
                spent[campaign.campaign_id] += float(cost[i])

    return pa.table(
        [
            pa.array(campaign_ids, pa.string()),
            pa.array(user_ids, pa.string()),
            pa.array(result_group, pa.string()),
            pa.array(result_order, pa.int64()),
            pa.array(is_allocated, pa.bool_()),
            pa.array(reason, pa.string()),
            pa.array(winner, pa.string()),
        ],
        schema=SCHEMA,
    )


def _conflict_with_admitted(
    campaign: Campaign,
    memberships: Sequence[tuple[str, str]],
    by_id: dict[str, Campaign],
    conflicts: dict[tuple[str, str], str | None],
    was_recently_messaged: bool,
) -> tuple[str | None, str | None]:
    """(reason, winning campaign) that keeps a customer with these memberships out of
    ``campaign``, overlap first (seed campaign_exclusion_reasons' precedence); (None, None)
    when nothing does. A message already sent inside the cap has no winner to name."""
    for other_id, _ in memberships:
        if conflicts[(campaign.campaign_id, other_id)] == OVERLAP:
            return OVERLAP, other_id
    if was_recently_messaged:
        return FREQUENCY_CAP, None
    for other_id, other_group in memberships:
        other_is_earlier = by_id[other_id].order_key < campaign.order_key
        if conflicts[(campaign.campaign_id, other_id)] == FREQUENCY_CAP and (
            other_group == TREATMENT or not other_is_earlier
        ):
            return FREQUENCY_CAP, other_id
    return None, None


def _replayed_reason(
    campaign: Campaign,
    memberships: Sequence[tuple[str, str]],
    by_id: dict[str, Campaign],
    conflicts: dict[tuple[str, str], str | None],
    was_recently_messaged: bool,
) -> tuple[str, str | None]:
    """Why a sent campaign's candidate is not among its send's members, replayed from the
    sends alone (a warehouse rebuilt from scratch no longer has the values the send was
    decided on): a member of an earlier campaign that overlaps, then a treated member of an
    earlier one inside the cap, then a message inside the cap, as the rule without estimates
    decides; else NOT_IN_SEND."""
    earlier = sorted(
        (m for m in memberships if by_id[m[0]].order_key < campaign.order_key),
        key=lambda membership: by_id[membership[0]].order_key,
    )
    for other_id, _ in earlier:
        if conflicts[(campaign.campaign_id, other_id)] == OVERLAP:
            return OVERLAP, other_id
    for other_id, other_group in earlier:
        if (
            conflicts[(campaign.campaign_id, other_id)] == FREQUENCY_CAP
            and other_group == TREATMENT
        ):
            return FREQUENCY_CAP, other_id
    if was_recently_messaged:
        return FREQUENCY_CAP, None
    return NOT_IN_SEND, None


def _floats(table: pa.Table, column: str) -> np.ndarray:
    """A numeric column as float64 with NaN for NULL."""
    values = pc.cast(table.column(column), pa.float64())
    return pc.fill_null(values, float("nan")).to_numpy(zero_copy_only=False)
