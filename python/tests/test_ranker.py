"""The learned ranker: retail_recs.ranker on hand-made feature tables, and the leakage test:
purchases planted after each training cutoff change the labels but no training feature."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from retail_recs import ranker
from retail_recs.build import run_dbt

from .conftest import query

SETTINGS = ranker.Settings(
    trees=60, learning_rate=0.1, leaves=7, min_child_samples=5, seed=3, max_customers=1000
)


def feature_table(
    customers: int, seed: int = 0, signal: bool = True, discovery: bool = False
) -> pa.Table:
    """Ten candidates per customer; with ``signal`` the bought item is the one with the
    highest ``pair_orders`` (plus noise columns), so a ranker can learn it exactly; with
    ``discovery`` also the never-bought one (pair_bought 0) with the highest."""
    rng = np.random.default_rng(seed)
    users = np.repeat([f"u{index:04d}" for index in range(customers)], 10)
    items = np.tile([f"i{index}" for index in range(10)], customers)
    orders = np.array([rng.permutation(np.arange(10.0)) for _ in range(customers)]).ravel()
    label = (
        ((orders == 9) | (discovery & (orders == 4))) if signal else rng.random(len(orders)) < 0.1
    )
    return pa.table(
        {
            "user_id": users,
            "item_id": items,
            "label": pa.array(np.asarray(label, np.int32)),
            "pair_orders": orders,
            "pair_bought": (orders > 4).astype(np.float64),
            "noise": rng.random(len(orders)),
        }
    )


@pytest.fixture
def connection():
    con = duckdb.connect()
    yield con
    con.close()


def test_a_planted_signal_is_learned_and_ranks_first(connection):
    features = connection.from_arrow(feature_table(300))
    models = ranker.model_table(features, SETTINGS)
    assert models.column("protocol").to_pylist() == ["repeats_allowed", "new_items"]
    repeats = models.to_pylist()[0]
    assert repeats["status"] == "trained"
    assert repeats["training_customers"] + repeats["validation_customers"] == 300
    assert repeats["validation_customers"] == 60  # one in five
    assert repeats["validation_ndcg"] == pytest.approx(1.0)
    scores = ranker.score_table(
        connection.from_arrow(models), connection.from_arrow(feature_table(50, seed=9))
    )
    frame = scores.to_pandas().merge(
        feature_table(50, seed=9).to_pandas(), on=["user_id", "item_id"]
    )
    repeats = frame[frame["protocol"] == "repeats_allowed"]
    top = repeats.sort_values("score", ascending=False).groupby("user_id").head(1)
    assert len(top) == 50
    assert (top["pair_orders"] == 9).all()


def test_new_items_model_learns_and_scores_only_never_bought_candidates(connection):
    table = feature_table(200, discovery=True)
    models = ranker.model_table(connection.from_arrow(table), SETTINGS)
    assert models.column("status").to_pylist() == ["trained", "trained"]
    scores = ranker.score_table(connection.from_arrow(models), connection.from_arrow(table))
    frame = scores.to_pandas().merge(table.to_pandas(), on=["user_id", "item_id"])
    new_items = frame[frame["protocol"] == "new_items"]
    assert len(new_items) == 200 * 5
    assert (new_items["pair_bought"] == 0).all()
    top = new_items.sort_values("score", ascending=False).groupby("user_id").head(1)
    assert (top["pair_orders"] == 4).all()


def test_each_score_is_its_model_on_its_row_alone_in_any_batching(connection, monkeypatch):
    """One pass scores both protocols: each protocol's rows, whatever batches they fall in
    (7 rows, so every batch mixes bought and never-bought candidates), get exactly what its
    booster predicts for them."""
    import lightgbm

    table = feature_table(40, discovery=True, seed=5)
    models = ranker.model_table(connection.from_arrow(table), SETTINGS)
    monkeypatch.setattr(ranker, "SCORING_BATCH_ROWS", 7)
    scores = ranker.score_table(connection.from_arrow(models), connection.from_arrow(table))
    frame = table.to_pandas()
    for protocol, text, names in zip(
        *(models.column(name).to_pylist() for name in ("protocol", "model_text", "feature_names")),
        strict=True,
    ):
        rows = frame if protocol == "repeats_allowed" else frame[frame["pair_bought"] == 0]
        matrix = np.round(rows[names.split(",")].to_numpy(np.float64), ranker.DECIMALS)
        expected = np.round(lightgbm.Booster(model_str=text).predict(matrix), 12)
        served = scores.filter(pc.equal(scores.column("protocol"), protocol))
        assert served.column("user_id").to_pylist() == rows["user_id"].tolist()
        assert served.column("item_id").to_pylist() == rows["item_id"].tolist()
        assert served.column("score").to_pylist() == expected.tolist()


def test_a_protocol_without_positives_is_not_trained(connection):
    """In feature_table without discovery no never-bought candidate is bought: the new-items
    model has nothing to learn and scores nothing."""
    features = connection.from_arrow(feature_table(200))
    models = ranker.model_table(features, SETTINGS)
    new_items = models.to_pylist()[1]
    assert new_items["status"] == "not trained: 0 customer(s) with a purchase in the label window"
    assert new_items["model_text"] is None
    protocols = ranker.score_table(connection.from_arrow(models), features).column("protocol")
    assert set(protocols.to_pylist()) == {"repeats_allowed"}


def test_training_is_deterministic_and_the_sample_is_capped(connection):
    features = connection.from_arrow(feature_table(120, signal=False, seed=4))
    first = ranker.model_table(features, SETTINGS)
    second = ranker.model_table(features, SETTINGS)
    assert first.equals(second)
    capped = ranker.model_table(
        features, ranker.Settings(**{**SETTINGS.__dict__, "max_customers": 40})
    ).to_pylist()[0]
    assert capped["training_customers"] + capped["validation_customers"] == 40


def test_too_few_customers_give_no_model_and_no_scores(connection):
    features = connection.from_arrow(feature_table(1))
    models = ranker.model_table(features, SETTINGS)
    assert {row["status"] for row in models.to_pylist()} == {
        "not trained: 1 customer(s) with a purchase in the label window",
        "not trained: 0 customer(s) with a purchase in the label window",
    }
    assert ranker.score_table(connection.from_arrow(models), features).num_rows == 0


def test_importance_lists_every_feature_with_shares_summing_to_one(connection):
    features = connection.from_arrow(feature_table(200))
    models = connection.from_arrow(ranker.model_table(features, SETTINGS)).select(
        "'production' as model_name, *"
    )
    importance = ranker.importance_table(models).to_pandas()
    assert set(importance["feature_name"]) == {"pair_orders", "pair_bought", "noise"}
    assert importance.groupby("protocol")["gain_share"].sum().to_dict() == {
        "repeats_allowed": pytest.approx(1.0)
    }
    top = importance.sort_values("gain", ascending=False).iloc[0]
    assert top["feature_name"] == "pair_orders"


# ---- leakage: planted purchases after a cutoff change labels, never training features ------

FEATURE_MODELS = ("eval_train_ranker_features", "eval_ranker_features")


def _cutoffs(db_path: Path) -> tuple:
    """(training cutoff, evaluation cutoff, last event) of a built warehouse."""
    return query(
        db_path,
        "select (select max(event_at) from eval_train_events_weighted),"
        " (select max(event_at) from eval_events_weighted),"
        " (select max(event_at) from stg_events)",
    )[0]


def _plant_purchases(data_dir: Path, db_path: Path, out: Path, model: str) -> int:
    """Copy the shop to ``out`` with extra purchases: for every customer of the features
    table ``model``, its first unlabelled candidate, bought one day after that table's
    cutoff. Returns the number of planted events."""
    shutil.copytree(data_dir, out)
    train_cutoff, eval_cutoff, _ = _cutoffs(db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cutoff = dict(zip(FEATURE_MODELS, (train_cutoff, eval_cutoff), strict=True))[model]
        planted = con.execute(
            f"""
            select user_id, item_id, ? + interval 1 day as event_at
            from (
                select user_id, item_id,
                    row_number() over (partition by user_id order by item_id) as position
                from {model} where label = 0
            ) where position = 1
            """,
            [cutoff],
        ).fetchall()
    finally:
        con.close()
    events = duckdb.sql(f"select * from read_parquet('{data_dir / 'events.parquet'}')")
    planted_rows = duckdb.sql(
        "select * from (values "
        + ", ".join(
            f"('planted_{index}', '{user}', '{item}', timestamp '{at}')"
            for index, (user, item, at) in enumerate(planted)
        )
        + ") as planted(event_id, user_id, item_id, event_at)"
    )
    columns = events.columns
    typed = planted_rows.select(
        ", ".join(
            {
                "event_id": "event_id",
                "user_id": "user_id",
                "item_id": "item_id",
                "event_at": f"cast(event_at as {events.types[columns.index('event_at')]})",
                "event_type": "'purchase'",
                "quantity": "1",
                "order_id": "'planted_' || event_id",
            }.get(name, f"null::{events.types[index]}")
            + f" as {name}"
            for index, name in enumerate(columns)
        )
    )
    events.union(typed).write_parquet(str(out / "events.parquet"))
    return len(planted)


@pytest.mark.slow
def test_purchases_after_the_cutoff_change_labels_not_training_features(small_demo_data, tmp_path):
    """Purchases planted after the evaluation cutoff change no feature of either training
    set; planted after the replay's training cutoff, none of its own. Both change labels."""
    selection = [
        "--select",
        *(f"+{model}" for model in FEATURE_MODELS),
        "--exclude",
        "test_type:data",
        "test_type:unit",
    ]
    clean_db = tmp_path / "clean.duckdb"
    assert run_dbt("build", small_demo_data, clean_db, extra_args=selection).success
    for planted_model, unchanged in (
        ("eval_ranker_features", FEATURE_MODELS),
        ("eval_train_ranker_features", ("eval_train_ranker_features",)),
    ):
        planted_dir = tmp_path / f"planted_{planted_model}"
        assert _plant_purchases(small_demo_data, clean_db, planted_dir, planted_model) > 0
        planted_db = tmp_path / f"{planted_model}.duckdb"
        assert run_dbt("build", planted_dir, planted_db, extra_args=selection).success
        assert _cutoffs(planted_db)[:2] == _cutoffs(clean_db)[:2]
        for model in unchanged:
            everything = f"select * exclude (label) from {model} order by user_id, item_id"
            clean, planted = query(clean_db, everything), query(planted_db, everything)
            assert len(clean) == len(planted), model
            for row_clean, row_planted in zip(clean, planted, strict=True):
                assert row_clean == pytest.approx(row_planted, nan_ok=True), model
        labels = f"select sum(label) from {planted_model}"
        assert query(planted_db, labels)[0][0] > query(clean_db, labels)[0][0], planted_model
