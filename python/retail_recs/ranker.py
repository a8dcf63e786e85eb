"""The learned ranker: LightGBM's lambdarank orders each customer's candidates.

The SQL layer gathers the candidates (macro gather_ranker_candidates) and their features as
of a cutoff (macro describe_ranker_candidates), labelled with what each customer bought in
the window after it. This module trains on one such table and scores another:

- ``model_table`` trains a LightGBM booster (objective lambdarank, one query group per
  customer) per protocol and returns one row each: the model as LightGBM's text format, and
  what it learned from (customers, rows, positives, train and validation NDCG@10, trees).
- ``score_table`` loads those texts and scores each protocol's candidates.
- ``importance_table`` lists each feature's total gain.

Deterministic: customers are sampled and split by a hash of user_id, rows are sorted, the
seed is fixed, LightGBM runs with ``deterministic=True`` (the same trees on any number of
threads), and features are
rounded to 9 decimals so that a last-bit difference between engines (DuckDB and Spark sum
in different orders) cannot move a row across a split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from duckdb import DuckDBPyRelation

logger = logging.getLogger(__name__)

KEY_COLUMNS = ("user_id", "item_id")
LABEL = "label"
# One customer in this many (by hash of user_id) is held out to validate the boosting.
VALIDATION_EVERY = 5
# Boosting stops when validation NDCG has not improved for this many trees.
EARLY_STOPPING_ROUNDS = 30
EVAL_AT = 10
# Candidates scored per batch: bounds the feature matrix in memory (about 25 MB at 60
# features).
SCORING_BATCH_ROWS = 65_536
# LightGBM's threads. With deterministic=True and force_row_wise=True the trees are the same
# for any thread count (checked: 1 and 2 threads give identical trees), and a score depends
# on its row alone, so both of the reference machine's cores are used at no cost to
# reproducibility.
THREADS = 2
DECIMALS = 9
# Each protocol's model learns from its own candidates: every candidate for repeats_allowed,
# only items the customer never bought for new_items (a discovery list learns discovery).
PROTOCOL_ROWS = {"repeats_allowed": "true", "new_items": "pair_bought = 0"}
# Row and feature subsampling per tree (seeded): with a few thousand customers a tree on
# all of them overfits the training window.
FEATURE_FRACTION = 0.7
BAGGING_FRACTION = 0.8


@dataclass(frozen=True)
class Settings:
    """The boosting settings (vars retail_recs__ranker_*)."""

    trees: int
    learning_rate: float
    leaves: int
    min_child_samples: int
    seed: int
    max_customers: int


def feature_names(relation: DuckDBPyRelation) -> list[str]:
    """Every column but the keys and the label, in table order."""
    return [c for c in relation.columns if c not in (*KEY_COLUMNS, LABEL)]


def _matrix(
    relation: DuckDBPyRelation, names: list[str], extra: tuple[str, ...] = ()
) -> tuple[dict, np.ndarray]:
    """Rows sorted by customer and item: the keys, label and ``extra`` columns as arrays, and
    the features as a float64 matrix with NULL as NaN (LightGBM's missing value)."""
    table = relation.order("user_id, item_id").to_arrow_table()
    keys = {
        name: table.column(name).to_numpy(zero_copy_only=False)
        for name in table.column_names
        if name in (*KEY_COLUMNS, LABEL, *extra)
    }
    columns = [
        table.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False) for name in names
    ]
    matrix = np.column_stack(columns) if columns else np.zeros((table.num_rows, 0))
    return keys, np.round(matrix.astype(np.float64), DECIMALS)


def _sample_customers(features: DuckDBPyRelation, max_customers: int) -> DuckDBPyRelation:
    """Customers with a positive candidate (only they teach lambdarank anything), at most
    ``max_customers`` of them in a fixed pseudo-random order (sha256 of the id, then the id),
    with every VALIDATION_EVERY-th of that order flagged to validate."""
    return features.query(
        "ranker_labelled_rows",
        f"""
        with positive as (
            select distinct cast(user_id as varchar) as user_id
            from ranker_labelled_rows
            where {LABEL} > 0
        ),
        drawn as (
            select user_id, row_number() over (order by sha256(user_id), user_id) as draw
            from positive
        )
        select user_id, (draw - 1) % {VALIDATION_EVERY} = 0 as is_validation
        from drawn
        where draw <= {int(max_customers)}
        """,
    )


def _groups(user_ids: np.ndarray) -> np.ndarray:
    """Query-group sizes of rows sorted by customer."""
    if len(user_ids) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, user_ids[1:] != user_ids[:-1]])
    return np.diff(np.r_[starts, len(user_ids)])


def _summary_row(protocol: str, model_text: str | None, status: str, **figures) -> pa.Table:
    columns = {
        "protocol": pa.array([protocol], pa.string()),
        "status": pa.array([status], pa.string()),
        "training_customers": pa.array([figures.get("training_customers", 0)], pa.int64()),
        "validation_customers": pa.array([figures.get("validation_customers", 0)], pa.int64()),
        "training_rows": pa.array([figures.get("training_rows", 0)], pa.int64()),
        "positives": pa.array([figures.get("positives", 0)], pa.int64()),
        "trees": pa.array([figures.get("trees", 0)], pa.int64()),
        "train_ndcg": pa.array([figures.get("train_ndcg")], pa.float64()),
        "validation_ndcg": pa.array([figures.get("validation_ndcg")], pa.float64()),
        "feature_names": pa.array([",".join(figures.get("features", []))], pa.string()),
        "model_text": pa.array([model_text], pa.string()),
    }
    return pa.table(columns)


def model_table(features: DuckDBPyRelation, settings: Settings) -> pa.Table:
    """One model per protocol (PROTOCOL_ROWS) trained on ``features`` (keys, label, feature
    columns): one row each."""
    return pa.concat_tables(
        [
            _train(features.filter(rows), protocol, settings)
            for protocol, rows in PROTOCOL_ROWS.items()
        ]
    )


def _train(features: DuckDBPyRelation, name: str, settings: Settings) -> pa.Table:
    """Train on ``features`` and return the model's row.

    Only customers with at least one positive candidate are kept, at most
    ``settings.max_customers`` of them (``_sample_customers``), and one in VALIDATION_EVERY of
    those validates: boosting stops when its NDCG@10 stops improving.
    With fewer than two such customers there is nothing to learn: the row says so, with no
    model, and the ranker scores nothing (recommendation_strategy then keeps another list).
    """
    import lightgbm

    names = feature_names(features)
    sample = _sample_customers(features, settings.max_customers)
    customers = sample.aggregate("count(*), coalesce(sum(is_validation::int), 0)").fetchall()[0]
    if customers[0] < 2:
        logger.warning(
            "ranker %s: %d customers with a labelled purchase, no model", name, customers[0]
        )
        return _summary_row(
            name,
            None,
            f"not trained: {customers[0]} customer(s) with a purchase in the label window",
            features=names,
        )
    # Only the sampled customers' rows are read into memory.
    rows = features.set_alias("labelled").join(sample.set_alias("sampled"), "user_id")
    keys, matrix = _matrix(rows, names, extra=("is_validation",))
    users, labels = keys["user_id"], keys[LABEL].astype(np.int64)
    valid_rows = keys["is_validation"].astype(bool)
    train_rows = ~valid_rows

    params = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "eval_at": [EVAL_AT],
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.leaves,
        "min_data_in_leaf": settings.min_child_samples,
        "seed": settings.seed,
        "num_threads": THREADS,
        "deterministic": True,
        "force_row_wise": True,
        "feature_fraction": FEATURE_FRACTION,
        "bagging_fraction": BAGGING_FRACTION,
        "bagging_freq": 1,
        "verbosity": -1,
    }
    train_set = lightgbm.Dataset(
        matrix[train_rows],
        labels[train_rows],
        group=_groups(users[train_rows]),
        feature_name=names,
        free_raw_data=False,
    )
    valid_set = train_set.create_valid(
        matrix[valid_rows], labels[valid_rows], group=_groups(users[valid_rows])
    )
    results: dict = {}
    booster = lightgbm.train(
        params,
        train_set,
        num_boost_round=settings.trees,
        valid_sets=[train_set, valid_set],
        valid_names=["training", "validation"],
        callbacks=[
            lightgbm.early_stopping(EARLY_STOPPING_ROUNDS, first_metric_only=True, verbose=False),
            lightgbm.record_evaluation(results),
        ],
    )
    best = booster.best_iteration or settings.trees
    metric = f"ndcg@{EVAL_AT}"
    figures = {
        "training_customers": customers[0] - customers[1],
        "validation_customers": customers[1],
        "training_rows": int(train_rows.sum()),
        "positives": int(labels[train_rows].sum()),
        "trees": best,
        "train_ndcg": round(float(results["training"][metric][best - 1]), 12),
        "validation_ndcg": round(float(results["validation"][metric][best - 1]), 12),
        "features": names,
    }
    logger.info("ranker %s: %s", name, {k: v for k, v in figures.items() if k != "features"})
    text = booster.model_to_string(num_iteration=best)
    return _summary_row(name, text, "trained", **figures)


def score_table(models: DuckDBPyRelation, features: DuckDBPyRelation) -> pa.Table:
    """Each protocol's candidates of ``features`` with its model's score (none for a
    protocol whose model was not trained).

    One pass over ``features`` for every protocol, streamed in batches of SCORING_BATCH_ROWS:
    each batch's feature matrix is built once (a pass per protocol cost about 5 s of 73 at
    10M events) and each model scores its protocol's rows of it (PROTOCOL_ROWS, as a
    boolean column computed by DuckDB). Memory holds one batch's matrix, and the keys go
    from DuckDB's Arrow batches to the output without becoming Python objects. A score
    depends on its row alone, so the batching cannot change it."""
    import lightgbm

    boosters = []
    available = set(feature_names(features))
    for protocol, text, names in models.select("protocol, model_text, feature_names").fetchall():
        if text is None:
            continue
        names = names.split(",")
        missing = sorted(set(names) - available)
        if missing:
            raise ValueError(f"ranker features table lacks the model's columns: {missing}")
        boosters.append((protocol, lightgbm.Booster(model_str=text), names))
    if not boosters:
        return _empty_scores()

    columns = list(dict.fromkeys(name for _, _, names in boosters for name in names))
    flags = {protocol: f"scored_for_{protocol}" for protocol, _, _ in boosters}
    rows = features.select(
        ", ".join(
            [
                *KEY_COLUMNS,
                *columns,
                *(f"coalesce({PROTOCOL_ROWS[p]}, false) as {flag}" for p, flag in flags.items()),
            ]
        )
    )
    scored = {protocol: [] for protocol in flags}
    for batch in rows.to_arrow_reader(SCORING_BATCH_ROWS):
        if batch.num_rows == 0:
            continue
        matrix = _features(batch, columns)
        for protocol, booster, names in boosters:
            wanted = batch.column(flags[protocol])
            mask = wanted.to_numpy(zero_copy_only=False).astype(bool)
            if not mask.any():
                continue
            model_matrix = matrix if names == columns else matrix[:, _positions(columns, names)]
            scores = booster.predict(
                model_matrix if mask.all() else model_matrix[mask], num_threads=THREADS
            )
            scored[protocol].append(
                pa.record_batch(
                    {
                        "protocol": pa.repeat(protocol, len(scores)),
                        "user_id": _own_copy(batch.column("user_id").filter(wanted)),
                        "item_id": _own_copy(batch.column("item_id").filter(wanted)),
                        "score": pa.array(np.round(scores, 12), pa.float64()),
                    }
                )
            )
    schema = _empty_scores().schema
    return pa.concat_tables(
        [_empty_scores()] + [pa.Table.from_batches(batches, schema) for batches in scored.values()]
    )


def _positions(columns: list[str], names: list[str]) -> list[int]:
    return [columns.index(name) for name in names]


def _own_copy(column: pa.Array) -> pa.Array:
    """``column`` copied into its own buffers: DuckDB's batches share larger allocations, and
    keeping a slice of one keeps the whole batch (every feature column) alive."""
    return pa.concat_arrays([column.cast(pa.string())])


def _features(batch: pa.RecordBatch, names: list[str]) -> np.ndarray:
    """A batch's feature columns as a C-ordered float64 matrix, NULL as NaN, rounded as in
    training. Filled one contiguous column at a time and transposed once: writing the columns
    of a row-major matrix strides through memory (0.62 s per million rows, against 0.41 s)."""
    columns = np.empty((len(names), batch.num_rows), dtype=np.float64)
    for position, name in enumerate(names):
        columns[position] = batch.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)
    np.round(columns, DECIMALS, out=columns)
    return np.ascontiguousarray(columns.T)


def _empty_scores() -> pa.Table:
    return pa.table(
        {
            "protocol": pa.array([], pa.string()),
            "user_id": pa.array([], pa.string()),
            "item_id": pa.array([], pa.string()),
            "score": pa.array([], pa.float64()),
        }
    )


def importance_table(models: DuckDBPyRelation) -> pa.Table:
    """One row per model (model_name, protocol) and feature: total gain and splits, and the
    gain's share of the model's."""
    rows = (
        models.select("model_name, protocol, model_text").order("model_name, protocol").fetchall()
    )
    out = {
        "model_name": [],
        "protocol": [],
        "feature_name": [],
        "gain": [],
        "gain_share": [],
        "splits": [],
    }
    import lightgbm

    for name, protocol, text in rows:
        if text is None:
            continue
        booster = lightgbm.Booster(model_str=text)
        gains = booster.feature_importance("gain")
        splits = booster.feature_importance("split")
        total = float(gains.sum()) or 1.0
        for feature, gain, count in zip(booster.feature_name(), gains, splits, strict=True):
            out["model_name"].append(name)
            out["protocol"].append(protocol)
            out["feature_name"].append(feature)
            out["gain"].append(round(float(gain), 6))
            out["gain_share"].append(round(float(gain) / total, 9))
            out["splits"].append(int(count))
    return pa.table(
        {
            "model_name": pa.array(out["model_name"], pa.string()),
            "protocol": pa.array(out["protocol"], pa.string()),
            "feature_name": pa.array(out["feature_name"], pa.string()),
            "gain": pa.array(out["gain"], pa.float64()),
            "gain_share": pa.array(out["gain_share"], pa.float64()),
            "splits": pa.array(out["splits"], pa.int64()),
        }
    )
