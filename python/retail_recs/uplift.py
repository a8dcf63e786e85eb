"""Uplift: whom a campaign's message changes, learnt from past experiments' two groups.

Two-model learners ("T-learners"): one classifier learns P(convert | customer, offer) from
the treated members of past campaigns, another from the held-out (control) members, and a
customer's uplift is the difference of the two. scikit-learn fits them; what this module
adds to the library:

- ``uplift_data``: int_uplift_training as matrices (the propensity features with their
  missing indicators, then the offer's type, value and channel, so past campaigns of
  different offers teach one model and a new campaign is scored at its own offer);
- ``LEARNERS`` and ``TwoModel``: the pair of L2 logistic regressions (the propensity
  module's), or of small gradient-boosted trees, which can give each offer its own shape
  of uplift; smaller than the propensity model's trees, because an uplift is the difference
  of two noisy fits;
- ``cross_fitted``: each member's uplift from a fit on the other folds (a hash of campaign
  and customer, stable across builds and engines), so learners are compared on members they
  never saw, all of them, not a small holdout;
- ``qini_curve`` / ``qini_coefficient`` and ``top_share_uplift``: how much better than random
  a ranking of customers finds the persuadable ones (Radcliffe's Qini curve: treated
  conversions minus control conversions scaled to the treated count).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from threadpoolctl import threadpool_limits

from retail_recs import propensity, segments

OFFER_TYPES = ("percent", "fixed_amount", "free_shipping")
OFFER_COLUMNS = (*(f"is_{offer_type}" for offer_type in OFFER_TYPES), "offer_value", "is_sms")
TREATMENT, CONTROL = "treatment", "control"


def offer_matrix(table: pa.Table) -> np.ndarray:
    """The offer's columns (OFFER_COLUMNS) for each row of a table with offer_type, offer_value
    and channel: one indicator per offer type, the value (0 when empty, as for free shipping)
    and whether the channel is SMS."""
    offer_type = table.column("offer_type").to_pylist()
    value = pc.fill_null(pc.cast(table.column("offer_value"), pa.float64()), 0.0)
    columns = [
        np.array([kind == name for kind in offer_type], dtype=np.float64) for name in OFFER_TYPES
    ]
    columns.append(value.to_numpy(zero_copy_only=False).astype(np.float64))
    columns.append(np.array([c == "sms" for c in table.column("channel").to_pylist()], np.float64))
    return np.column_stack(columns)


@dataclass(frozen=True, eq=False)
class UpliftData:
    """Members of past experiments as matrices, sorted by campaign_id then user_id.

    ``names`` are the design columns (customer features with missing indicators, then
    OFFER_COLUMNS); ``treated`` and ``y`` are 0/1; ``keys`` are ``campaign_id:user_id``.
    ``contradictory`` counts members recorded in both groups, who are left out.
    """

    names: list[str]
    feature_names: list[str]
    X: np.ndarray
    treated: np.ndarray
    y: np.ndarray
    keys: list[str]
    campaigns: list[str]
    contradictory: int


def uplift_data(training: pa.Table, features: Sequence[str]) -> UpliftData:
    """int_uplift_training's treatment and control members as an ``UpliftData``."""
    group = training.column("experiment_group")
    contradictory = int(pc.sum(pc.equal(group, "contradictory")).as_py() or 0)
    members = training.filter(pc.is_in(group, pa.array([TREATMENT, CONTROL]))).sort_by(
        [("campaign_id", "ascending"), ("user_id", "ascending")]
    )
    feature_names = segments.with_missing_indicators(features, members)
    X = np.column_stack([segments.design_matrix(members, feature_names), offer_matrix(members)])
    campaigns = members.column("campaign_id").to_pylist()
    users = members.column("user_id").to_pylist()
    return UpliftData(
        names=feature_names + list(OFFER_COLUMNS),
        feature_names=feature_names,
        X=X,
        treated=np.array(
            [g == TREATMENT for g in members.column("experiment_group").to_pylist()], dtype=np.int64
        ),
        y=segments.outcome_vector(members, "has_converted"),
        keys=[f"{c}:{u}" for c, u in zip(campaigns, users, strict=True)],
        campaigns=sorted(set(campaigns)),
        contradictory=contradictory,
    )


def insufficient_reason(treated: np.ndarray, y: np.ndarray, min_group_members: int) -> str | None:
    """Why these members cannot teach the two models (None when they can): each group needs
    ``min_group_members`` members, and both outcomes."""
    for flag, name in ((1, TREATMENT), (0, CONTROL)):
        in_group = treated == flag
        if in_group.sum() < min_group_members:
            return (
                f"{int(in_group.sum())} {name} members in past experiments, fewer than"
                f" retail_recs__uplift_min_group_members ({min_group_members})"
            )
        if len(np.unique(y[in_group])) < 2:
            return f"the {name} members of past experiments all have the same outcome"
    return None


LEARNERS = ("logistic_regression", "gradient_boosting")
# The trees: few leaves of at least 40 members and 100 steps (the propensity model's
# learning rate and ridge).
BOOSTING_ITERATIONS = 100
BOOSTING_LEAVES = 7
BOOSTING_MIN_LEAF = 40


@dataclass(frozen=True, eq=False)
class TwoModel:
    """P(convert) when treated and when held out, each from its own group's members."""

    treated_model: object
    control_model: object

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(P(convert | treated), P(convert | control), uplift = their difference) per row."""
        p1 = propensity.probabilities(self.treated_model, X)
        p0 = propensity.probabilities(self.control_model, X)
        return p1, p0, p1 - p0


def _fit_one(learner: str, X: np.ndarray, y: np.ndarray, l2: float, seed: int):
    if learner == "logistic_regression":
        return propensity.fit_candidate(learner, X, y, l2, seed)
    if learner != "gradient_boosting":
        raise ValueError(f"unknown uplift learner {learner!r}; valid: {', '.join(LEARNERS)}")
    model = propensity.boosting_classifier(
        seed, BOOSTING_ITERATIONS, BOOSTING_LEAVES, BOOSTING_MIN_LEAF
    )
    with threadpool_limits(limits=1):
        return model.fit(X, y)


def fit_two_model(
    learner: str, X: np.ndarray, treated: np.ndarray, y: np.ndarray, l2: float, seed: int
) -> TwoModel:
    """Fit ``learner`` on the treated and on the control members; each group must hold both
    outcomes. ``l2`` is the logistic regression's penalty, ``seed`` the trees' seed."""
    fits = [_fit_one(learner, X[mask], y[mask], l2, seed) for mask in (treated == 1, treated == 0)]
    return TwoModel(*fits)


def folds_of(keys: Sequence[str], folds: int) -> np.ndarray:
    """Fold 0..folds-1 of each member: sha256 of its key, modulo ``folds``."""
    if folds < 2:
        raise ValueError(f"var retail_recs__uplift_folds must be at least 2, got {folds!r}")
    digests = [int.from_bytes(hashlib.sha256(k.encode("utf-8")).digest()[:8], "big") for k in keys]
    return np.array([d % folds for d in digests], dtype=np.int64)


def cross_fitted(
    learner: str,
    data: UpliftData,
    folds: int,
    min_group_members: int,
    l2: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each member's (P(convert | treated), uplift) from ``learner`` fitted on the other
    folds; None when some fold's complement cannot teach it (``insufficient_reason``)."""
    fold = folds_of(data.keys, folds)
    p1, lift = np.zeros(len(data.y)), np.zeros(len(data.y))
    for f in range(folds):
        train, test = fold != f, fold == f
        if not test.any():
            continue
        if insufficient_reason(data.treated[train], data.y[train], min_group_members):
            return None
        model = fit_two_model(learner, data.X[train], data.treated[train], data.y[train], l2, seed)
        p1[test], _, lift[test] = model.predict(data.X[test])
    return p1, lift


def _ranked(scores: np.ndarray, treated: np.ndarray, y: np.ndarray):
    """Cumulative treated/control counts and conversions, members by descending score (ties
    by position, so the order is stable)."""
    order = np.lexsort((np.arange(len(scores)), -np.asarray(scores, dtype=np.float64)))
    t, c = treated[order] == 1, treated[order] == 0
    yy = y[order]
    return np.cumsum(t), np.cumsum(c), np.cumsum(yy * t), np.cumsum(yy * c)


def qini_curve(scores: np.ndarray, treated: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Radcliffe's Qini curve: for the top k members by score (k = 1..n), treated conversions
    minus control conversions times (treated / control members) among them; 0 while the top
    holds no control member."""
    n_t, n_c, y_t, y_c = _ranked(scores, treated, y)
    scaled = np.divide(y_c * n_t, n_c, out=np.zeros(len(n_c)), where=n_c > 0)
    return y_t - scaled


def qini_coefficient(scores: np.ndarray, treated: np.ndarray, y: np.ndarray) -> float:
    """Mean gap between the Qini curve and random targeting's straight line to the same end,
    per treated member: 0 for a random ranking, positive when the top finds the persuadable."""
    curve = qini_curve(scores, treated, y)
    n = len(curve)
    treated_total = int(np.sum(treated == 1))
    if n == 0 or treated_total == 0:
        return float("nan")
    random_line = curve[-1] * np.arange(1, n + 1) / n
    return float(np.mean(curve - random_line) / treated_total)


def top_share_uplift(
    scores: np.ndarray, treated: np.ndarray, y: np.ndarray, share: float
) -> float | None:
    """Observed uplift (treated conversion rate - control rate) among the top ``share`` of
    members by score; None when that top lacks a group."""
    n_t, n_c, y_t, y_c = _ranked(scores, treated, y)
    k = max(1, int(np.ceil(share * len(scores)))) - 1
    if n_t[k] == 0 or n_c[k] == 0:
        return None
    return float(y_t[k] / n_t[k] - y_c[k] / n_c[k])


def deciles(values: np.ndarray) -> np.ndarray:
    """Decile 1..10 of each value among all (10 = highest); ties by position."""
    n = len(values)
    order = np.lexsort((np.arange(n), np.asarray(values, dtype=np.float64)))
    result = np.empty(n, dtype=np.int64)
    result[order] = 1 + (np.arange(n) * 10) // max(n, 1)
    return result
