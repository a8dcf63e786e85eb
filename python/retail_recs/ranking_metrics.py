"""Offline ranking metrics of recommendation lists: the reference for the evaluation models.

The dbt models ``int_eval_user_metrics``, ``recommendation_metrics`` and
``recommendation_metrics_by_segment`` compute these same numbers in SQL; the tests hold them
equal on random data. Definitions, for one customer with truth set ``T`` (items bought in the
test window) and a ranked list cut at ``k``, where ``hits@r`` = truth items among the top ``r``:

- precision@k = hits@k / k (k, not the list's length: a short list is not rewarded);
- recall@k = hits@k / |T|;
- NDCG@k = Σ_{hit at rank r ≤ k} 1 / log2(r + 1)  /  Σ_{r=1}^{min(|T|, k)} 1 / log2(r + 1);
- AP@k = Σ_{hit at rank r ≤ k} (hits@r / r)  /  min(|T|, k);
- hit@k = 1 if hits@k > 0 else 0;  RR@k = 1 / (rank of the first hit ≤ k), else 0.

Each is averaged over the customers evaluated: those with at least one truth item under the
protocol. Every algorithm is scored on the same customers; a customer an algorithm has no list
for scores 0 (so algorithms that reach few customers are not flattered).

Protocols (``PROTOCOLS``):

- ``repeats_allowed``: lists and truth as they are;
- ``new_items``: each list minus the items the customer purchased in training, re-ranked
  1.. in the original order, and the truth minus the items bought in training.

Each of those means comes with its normal 95% confidence interval, mean ± z₀.₉₇₅ · s / √n
(s the sample standard deviation over the n customers), clipped to [0, 1]; NaN for n = 1.

Beyond accuracy, over the evaluated customers of a group:

- catalogue coverage@k = distinct items in their top-k lists / active catalogue items;
- novelty@k = mean over every (customer, item in top k) of -log2 p_i, with
  p_i = (purchasers of i + 1) / (training purchasers + 1); the +1 keeps never-bought items
  finite (the trade-off: a never-bought item scores log2(N + 1) bits, not infinity). NaN when
  no customer has a list;
- intra-list diversity@k = mean over customers with ≥ 2 items in their top k of
  1 - (mean basket Jaccard over the unordered pairs of those items), a pair absent from the
  co-occurrence table counting 0. NaN when no customer has two items.

Ids are strings throughout; these functions favour clarity over speed (they are a reference).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

logger = logging.getLogger(__name__)

PROTOCOLS = ("new_items", "repeats_allowed")
NO_SEGMENT = "No purchase yet"
# The metrics that are means over customers, each with the user_metrics key it averages.
MEAN_METRICS = {
    "precision": "precision",
    "recall": "recall",
    "ndcg": "ndcg",
    "map": "average_precision",
    "hit_rate": "hit",
    "mrr": "reciprocal_rank",
}
METRICS = (
    "users_evaluated",
    "users_with_list",
    *(
        column
        for metric in MEAN_METRICS
        for column in (metric, f"{metric}_ci_low", f"{metric}_ci_high")
    ),
    "catalogue_coverage",
    "novelty",
    "intra_list_diversity",
)
Z_95 = float(stats.norm.ppf(0.975))


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def _check_protocol(protocol: str) -> None:
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; valid protocols: {PROTOCOLS}")


def _discount(rank: int) -> float:
    """1 / log2(rank + 1), the DCG weight of a hit at ``rank`` (1-based)."""
    return math.log(2) / math.log(rank + 1)


def hits_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> int:
    """Truth items among the first ``k`` of ``ranked``."""
    _check_k(k)
    truth = set(truth)
    return sum(1 for item in ranked[:k] if item in truth)


def precision_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """hits@k / k."""
    return hits_at_k(ranked, truth, k) / k


def recall_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """hits@k / |T|; ``truth`` must not be empty."""
    truth = set(truth)
    if not truth:
        raise ValueError("recall needs a non-empty truth set")
    return hits_at_k(ranked, truth, k) / len(truth)


def ndcg_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """DCG / ideal DCG: Σ_{hit at r ≤ k} 1/log2(r+1) / Σ_{r=1}^{min(|T|,k)} 1/log2(r+1)."""
    _check_k(k)
    truth = set(truth)
    if not truth:
        raise ValueError("NDCG needs a non-empty truth set")
    dcg = sum(_discount(r) for r, item in enumerate(ranked[:k], start=1) if item in truth)
    ideal = sum(_discount(r) for r in range(1, min(len(truth), k) + 1))
    return dcg / ideal


def average_precision_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """AP@k = Σ_{hit at r ≤ k} (hits@r / r) / min(|T|, k)."""
    _check_k(k)
    truth = set(truth)
    if not truth:
        raise ValueError("average precision needs a non-empty truth set")
    hits = 0
    total = 0.0
    for r, item in enumerate(ranked[:k], start=1):
        if item in truth:
            hits += 1
            total += hits / r
    return total / min(len(truth), k)


def hit_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """1.0 when any of the top ``k`` is a truth item, else 0.0."""
    return 1.0 if hits_at_k(ranked, truth, k) > 0 else 0.0


def reciprocal_rank_at_k(ranked: Sequence[str], truth: Iterable[str], k: int) -> float:
    """1 / (rank of the first truth item within the top ``k``), 0.0 when there is none."""
    _check_k(k)
    truth = set(truth)
    for r, item in enumerate(ranked[:k], start=1):
        if item in truth:
            return 1.0 / r
    return 0.0


def self_information(purchaser_count: int, training_purchaser_count: int) -> float:
    """-log2 p with p = (purchaser_count + 1) / (training_purchaser_count + 1), in bits."""
    p = (purchaser_count + 1) / (training_purchaser_count + 1)
    return -math.log(p) / math.log(2)


def pair_key(item_a: str, item_b: str) -> tuple[str, str]:
    """The key of an unordered item pair: (smaller id, larger id), as in eval_item_pairs."""
    return (item_a, item_b) if item_a < item_b else (item_b, item_a)


def list_diversity(items: Sequence[str], jaccard: Mapping[tuple[str, str], float]) -> float:
    """1 - mean basket Jaccard over the unordered pairs of ``items`` (NaN for < 2 items).

    ``jaccard`` is keyed by ``pair_key``; a pair absent from it counts 0.
    """
    n = len(items)
    if n < 2:
        return np.nan
    total = sum(
        jaccard.get(pair_key(items[i], items[j]), 0.0) for i in range(n) for j in range(i + 1, n)
    )
    return 1.0 - total / (n * (n - 1) / 2)


def protocol_truth(
    truth: Mapping[str, Iterable[str]],
    bought_in_training: Mapping[str, Iterable[str]],
    protocol: str,
) -> dict[str, set[str]]:
    """Each customer's truth under ``protocol``; customers left with none are dropped.

    ``bought_in_training`` holds, per customer, the truth items they had bought in training.
    """
    _check_protocol(protocol)
    result = {}
    for user, items in truth.items():
        kept = set(items)
        if protocol == "new_items":
            kept -= set(bought_in_training.get(user, ()))
        if kept:
            result[user] = kept
    return result


def protocol_list(ranked: Sequence[str], purchased: Iterable[str], protocol: str) -> list[str]:
    """A list under ``protocol``: new_items drops the customer's training purchases, keeping
    the order (so later items move up)."""
    _check_protocol(protocol)
    if protocol == "repeats_allowed":
        return list(ranked)
    purchased = set(purchased)
    return [item for item in ranked if item not in purchased]


@dataclass(frozen=True)
class Catalogue:
    """The training catalogue the beyond-accuracy metrics need.

    Attributes
    ----------
    active_item_count
        Active items (the denominator of coverage).
    training_purchaser_count
        Distinct customers with a training purchase (N in novelty's p_i).
    purchaser_counts
        Purchasers per item; items absent count 0.
    basket_jaccard
        Basket Jaccard per ``pair_key``; pairs absent count 0.
    """

    active_item_count: int
    training_purchaser_count: int
    purchaser_counts: Mapping[str, int] = field(default_factory=dict)
    basket_jaccard: Mapping[tuple[str, str], float] = field(default_factory=dict)


def user_metrics(ranked: Sequence[str], truth: Iterable[str], k: int) -> dict[str, float]:
    """The per-customer accuracy metrics at ``k`` (names as in int_eval_user_metrics)."""
    truth = set(truth)
    return {
        "precision": precision_at_k(ranked, truth, k),
        "recall": recall_at_k(ranked, truth, k),
        "ndcg": ndcg_at_k(ranked, truth, k),
        "average_precision": average_precision_at_k(ranked, truth, k),
        "hit": hit_at_k(ranked, truth, k),
        "reciprocal_rank": reciprocal_rank_at_k(ranked, truth, k),
    }


def confidence_interval(values: np.ndarray) -> tuple[float, float]:
    """The normal 95% interval of the mean of ``values`` (metrics in [0, 1]), clipped to
    [0, 1]; NaN for a single value, whose spread is unknown."""
    if len(values) < 2:
        return np.nan, np.nan
    mean, margin = float(values.mean()), Z_95 * float(stats.sem(values))
    return max(0.0, mean - margin), min(1.0, mean + margin)


def aggregate(
    lists: Mapping[str, Sequence[str]],
    truth: Mapping[str, Iterable[str]],
    k: int,
    catalogue: Catalogue,
) -> dict[str, float]:
    """All metrics at ``k`` for one group of evaluated customers (the keys of ``truth``).

    ``lists`` maps customers to their list under the protocol already; customers of ``truth``
    missing from it count as having no list.
    """
    _check_k(k)
    if not truth:
        raise ValueError("aggregate needs at least one evaluated customer")
    per_user = []
    listed: set[str] = set()
    bits = []
    diversities = []
    users_with_list = 0
    for user, items in truth.items():
        top = list(lists.get(user, ()))[:k]
        per_user.append(user_metrics(top, items, k))
        if top:
            users_with_list += 1
        listed.update(top)
        bits.extend(
            self_information(
                catalogue.purchaser_counts.get(item, 0), catalogue.training_purchaser_count
            )
            for item in top
        )
        if len(top) >= 2:
            diversities.append(list_diversity(top, catalogue.basket_jaccard))

    means: dict[str, float] = {}
    for metric, key in MEAN_METRICS.items():
        values = np.array([metrics[key] for metrics in per_user])
        means[metric] = float(values.mean())
        means[f"{metric}_ci_low"], means[f"{metric}_ci_high"] = confidence_interval(values)

    return {
        "users_evaluated": len(per_user),
        "users_with_list": users_with_list,
        **means,
        "catalogue_coverage": (
            len(listed) / catalogue.active_item_count if catalogue.active_item_count else np.nan
        ),
        "novelty": float(np.mean(bits)) if bits else np.nan,
        "intra_list_diversity": float(np.mean(diversities)) if diversities else np.nan,
    }


def evaluate(
    lists: Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]],
    truth: Mapping[str, Iterable[str]],
    bought_in_training: Mapping[str, Iterable[str]],
    purchased: Mapping[str, Iterable[str]],
    catalogue: Catalogue,
    k_values: Sequence[int],
    segments: Mapping[str, str] | None = None,
) -> dict[tuple, dict[str, float]]:
    """Every metric of every algorithm, protocol and k (and segment, when ``segments`` given).

    Parameters
    ----------
    lists
        protocol → algorithm → customer → ranked items (rank 1 first), as recommended for
        that protocol (new_items lists are filtered again all the same).
    truth
        customer → items bought in the test window.
    bought_in_training
        customer → the truth items they had also bought in training.
    purchased
        customer → items purchased in training (removed from lists under new_items).
    catalogue
        See ``Catalogue``.
    k_values
        The cut-offs.
    segments
        customer → RFM segment; evaluated customers without one get ``NO_SEGMENT``. When
        given, groups are split by segment (coverage then counts the segment's lists only).

    Returns
    -------
    dict
        ``(algorithm, protocol, k)`` — or ``(algorithm, protocol, k, segment)`` — → metrics
        named as the columns of recommendation_metrics (NaN where SQL has NULL).
    """
    for k in k_values:
        _check_k(k)
    results: dict[tuple, dict[str, float]] = {}
    # An algorithm with lists under one protocol only (buy_again has none for new_items) is
    # still evaluated under both, with zero hits where it has nothing.
    algorithms = sorted(
        {algorithm for by_algorithm in lists.values() for algorithm in by_algorithm}
    )
    for protocol in PROTOCOLS:
        evaluated = protocol_truth(truth, bought_in_training, protocol)
        if not evaluated:
            logger.info("no customer to evaluate under %s", protocol)
            continue
        if segments is None:
            groups = {(): evaluated}
        else:
            groups = {}
            for user, items in evaluated.items():
                groups.setdefault((segments.get(user, NO_SEGMENT),), {})[user] = items
        for algorithm in algorithms:
            user_lists = lists.get(protocol, {}).get(algorithm, {})
            filtered = {
                user: protocol_list(user_lists[user], purchased.get(user, ()), protocol)
                for user in evaluated
                if user in user_lists
            }
            for k in k_values:
                for group, group_truth in groups.items():
                    key = (algorithm, protocol, k, *group)
                    results[key] = aggregate(filtered, group_truth, k, catalogue)
    return results


def inputs_from_tables(tables: Mapping[str, pd.DataFrame]) -> dict:
    """The arguments of ``evaluate`` from the evaluation's input tables (eval_recommendations,
    eval_truth, eval_fct_interactions, eval_dim_items, eval_item_pairs, customer_rfm) as
    DataFrames: what the warehouse computes, recomputed here independently of its SQL."""
    recommendations = tables["eval_recommendations"].sort_values(
        ["protocol", "algorithm", "user_id", "rank"]
    )
    lists: dict[str, dict[str, dict[str, list[str]]]] = {}
    for (protocol, algorithm, user), group in recommendations.groupby(
        ["protocol", "algorithm", "user_id"]
    ):
        lists.setdefault(protocol, {}).setdefault(algorithm, {})[user] = list(group.item_id)
    truth_table = tables["eval_truth"]
    truth = truth_table.groupby("user_id").item_id.agg(set).to_dict()
    bought = truth_table[truth_table.bought_in_training].groupby("user_id").item_id.agg(set)
    fct = tables["eval_fct_interactions"]
    purchases = fct[fct.has_purchased]
    items = tables["eval_dim_items"]
    pairs = tables["eval_item_pairs"]
    basket = pairs[pairs.context == "basket"]
    return {
        "lists": lists,
        "truth": truth,
        "bought_in_training": bought.to_dict(),
        "purchased": purchases.groupby("user_id").item_id.agg(set).to_dict(),
        "catalogue": Catalogue(
            active_item_count=int(items.is_active.sum()),
            training_purchaser_count=purchases.user_id.nunique(),
            purchaser_counts=dict(zip(items.item_id, items.purchaser_count, strict=True)),
            basket_jaccard={
                (a, b): j
                for a, b, j in zip(basket.item_a, basket.item_b, basket.jaccard, strict=True)
            },
        ),
        "segments": dict(
            zip(tables["customer_rfm"].user_id, tables["customer_rfm"].rfm_segment, strict=True)
        ),
    }
