"""The peer benchmark's own logic: what it hands the peers and how it compares. The peers
themselves live in the benchmark's environment, never the project's, so they are not run
here."""

import csv

import duckdb
import pytest

from retail_recs.bench_peers import CHAINS, Comparison, export_interactions
from retail_recs.project import PROJECT_DIR


def test_the_peers_get_the_interactions_the_project_learns_from(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            """
            create table fct_interactions as select * from (values
                ('u2', 'i1', 0.5, timestamp '2026-01-02 10:00:00', 3),
                ('u1', 'i2', 1.25, timestamp '2026-01-01 09:00:00', 4),
                ('u1', 'i3', 0.0, timestamp '2026-01-03 08:00:00', 5),
                ('u3', 'i1', -2.0, timestamp '2026-01-04 07:00:00', 6)
            ) as t(user_id, item_id, affinity, last_interaction_at, purchase_count)
            """
        )
    out = export_interactions(db, tmp_path / "interactions.csv")
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    # Positive affinity only (a return-only item teaches neither side), by user then item.
    assert [(r["user_id"], r["item_id"], float(r["affinity"])) for r in rows] == [
        ("u1", "i2", 1.25),
        ("u2", "i1", 0.5),
    ]
    assert list(rows[0]) == ["user_id", "item_id", "affinity", "last_interaction_at"]


def test_the_ratio_is_of_medians_so_one_slow_round_does_not_decide():
    comparison = Comparison("sar", project_seconds=[10.0, 30.0, 12.0], peer_seconds=[4, 6, 60])
    assert comparison.ratio == pytest.approx(12.0 / 6.0)


def test_every_model_the_benchmark_times_exists():
    # A renamed model would otherwise make dbt select nothing, and time nothing.
    models = {
        path.stem for path in (PROJECT_DIR / "models").rglob("*") if path.suffix in {".sql", ".py"}
    }
    for peer, chain in CHAINS.items():
        assert set(chain) <= models, (peer, set(chain) - models)
