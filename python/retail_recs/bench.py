"""Benchmark: build time and peak memory per layer at 1M and 10M events.

Usage::

    python -m retail_recs.bench [--events 1000000,10000000] [--work-dir data/bench]
    python -m retail_recs.bench --layers all

For each size it generates demo data (about 50 events per customer), then runs each dbt
layer in its own process and prints wall time and that process's peak resident memory
(DuckDB works inside the dbt process, so this is the build's real footprint), the time of
each similarity and recommender model, and the co-occurrence self-join's throughput.
``--layers all`` instead times one complete ``dbt build`` as ``make demo`` runs it (every
layer, the evaluation and the tests, default settings) and prints its 15 slowest nodes.
A step that fails, or a node that errors, fails, or is skipped, stops the benchmark with the
reason and no figures: it never reports a partial build.
Targets on a 2-core machine at 10M events: staging + interactions < 60 s and < 6 GiB;
similarity + SQL recommenders < 3 min and < 12 GiB; co-occurrence >= 10M pairs/s; the
learned ranker's models (candidates, features, training, scoring) < 90 s and < 6 GiB. At 20M
events (400k customers) the segment layer (features, RFM, k-means, propensity) < 60 s::

    python -m retail_recs.bench --events 20000000 --layers seeds,staging,interactions,segments

``--vs-peers`` builds the layers the recommenders read, then times Microsoft Recommenders'
SAR and implicit's ALS against the project's equivalent models on the same interactions
(``retail_recs.bench_peers``; the peers live in their own environment). Issue target: the
item-CF chain at most 1.0x SAR's time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from retail_recs.build import dbt_args

EVENTS_PER_CUSTOMER = 50
# dbt selectors per layer, in build order.
RECOMMENDER_FOLDERS = (
    "intermediate.similarity",
    "intermediate.recommenders",
    "marts.similarity",
    "marts.recommendations",
)
LAYERS = (
    ("seeds", ["seed"]),
    ("staging", ["run", "--select", "staging"]),
    (
        "interactions",
        ["run", "--select", "+marts.core", "+marts.data_quality", "pii", "--exclude", "staging"],
    ),
    ("segments", ["run", "--select", "intermediate.segments", "marts.segments"]),
    (
        "similarity+recs",
        [
            "run",
            "--select",
            *RECOMMENDER_FOLDERS,
            "--exclude",
            "recommendations",
            "recommendations_ease",
            "recommendations_ranker",
            "recommendations_new_items",
        ],
    ),
    (
        "svd+ease",
        [
            "run",
            "--select",
            "intermediate.svd",
            "intermediate.ease",
            "marts.svd",
            "recommendations_ease",
        ],
    ),
    ("evaluation", ["run", "--select", "evaluation"]),
    # Production's learned ranker: candidates, features, training (on the evaluation's
    # features) and scoring; the evaluation layer built what it reads.
    ("ranker", ["run", "--select", "intermediate.ranker"]),
    # The served lists, by the strategy the evaluation chose.
    (
        "final lists",
        [
            "run",
            "--select",
            "recommendations",
            "recommendations_ranker",
            "recommendations_new_items",
            "marts.ranker",
        ],
    ),
    ("campaigns", ["run", "--select", "intermediate.campaigns", "marts.campaigns"]),
    ("data tests", ["test", "--exclude", "test_type:unit"]),
)
# Pairs the co-occurrence self-join examines: n(n-1)/2 per capped transaction.
PAIRS_EXAMINED_SQL = """
select sum(n * (n - 1) / 2) from (
    select count(*) as n from int_cooccurrence_transactions group by context, transaction_id
)
"""


# Node statuses of a complete, green build (exposures report no-op).
GREEN_STATUSES = {"success", "pass", "no-op"}
SLOWEST_NODES = 15


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss_gib: float


def run_measured(command: list[str], env: dict[str, str]) -> Step:
    """Run ``command`` to completion; return its wall time and peak RSS (fails loudly)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(output.decode(errors="replace")[-4000:])
        raise SystemExit(f"benchmark step failed: {' '.join(command)}")
    if command[0].endswith("dbt"):
        require_green_run()
    # ru_maxrss is in KiB on Linux.
    return Step(command[-1], seconds, usage.ru_maxrss / 2**20)


def run_results() -> dict:
    """The last dbt invocation's run_results.json."""
    from retail_recs.project import PROJECT_DIR

    return json.loads((PROJECT_DIR / "target/run_results.json").read_text())


def require_green_run() -> None:
    """Stop the benchmark unless every node of the last dbt invocation succeeded (dbt exits 0
    on warnings, and a selection can skip nodes: neither is a timing of the whole work)."""
    bad = [r for r in run_results()["results"] if r["status"] not in GREEN_STATUSES]
    if bad:
        lines = [f"  {r['status']}: {r['unique_id']}: {(r['message'] or '')[:300]}" for r in bad]
        raise SystemExit(
            f"benchmark stopped: {len(bad)} dbt nodes did not succeed, so no figures are "
            "reported:\n" + "\n".join(lines[:20])
        )


def generate(events: int, data_dir: Path) -> Step:
    """Demo data with ``events`` events, about 50 per customer."""
    customers = max(1_000, events // EVENTS_PER_CUSTOMER)
    items = min(20_000, max(2_000, events // 500))
    command = [sys.executable, "-m", "retail_recs.demo_data", "--out", str(data_dir)]
    command += ["--events", str(events), "--customers", str(customers), "--items", str(items)]
    step = run_measured(command, dict(os.environ))
    return Step("generate demo data", step.seconds, step.peak_rss_gib)


def build_layers(data_dir: Path, db_path: Path, layers: list[str]) -> list[Step]:
    """Build ``data_dir`` into a fresh ``db_path``, one measured process per layer in
    ``layers`` (names of LAYERS; a layer needs the ones before it that it reads)."""
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    env = {**os.environ, "RETAIL_RECS_DB": str(db_path)}
    steps = []
    dbt = [str(Path(sys.executable).parent / "dbt")]
    for name, args in LAYERS:
        if name not in layers:
            continue
        command = dbt + dbt_args(args[0], data_dir, extra_args=args[1:])
        step = run_measured(command, env)
        steps.append(Step(name, step.seconds, step.peak_rss_gib))
        if name in (
            "segments",
            "similarity+recs",
            "svd+ease",
            "evaluation",
            "ranker",
            "final lists",
        ):
            report_models(db_path)
        if name == "similarity+recs":
            # Alone, so that no concurrent model shares the two cores with the self-join.
            alone = dbt_args("run", data_dir, extra_args=["--select", "int_item_pair_counts"])
            run_measured(dbt + alone, env)
            report_pair_throughput(db_path)
    return steps


def model_times() -> dict[str, float]:
    """Execution time of each model in the last dbt invocation."""
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in run_results()["results"]}


def build_all(data_dir: Path, db_path: Path) -> list[Step]:
    """One complete ``dbt build`` of ``data_dir`` into a fresh ``db_path``, as ``make demo``
    runs it (default settings); prints its node count and slowest nodes once it is green."""
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    env = {**os.environ, "RETAIL_RECS_DB": str(db_path)}
    dbt = [str(Path(sys.executable).parent / "dbt")]
    step = run_measured(dbt + dbt_args("build", data_dir), env)
    results = run_results()["results"]
    print(
        f"{'':>14}{len(results)} nodes; the {SLOWEST_NODES} slowest (two threads share the cores):"
    )
    for result in sorted(results, key=lambda r: -r["execution_time"])[:SLOWEST_NODES]:
        print(
            f"{'':>14}{result['unique_id'].split('.', 2)[-1]:<60}{result['execution_time']:>7.1f} s"
        )
    return [Step("dbt build (all)", step.seconds, step.peak_rss_gib)]


def report_models(db_path: Path) -> None:
    """Per-model times of the last dbt run (models run two at a time, sharing the cores)."""
    for model, seconds in sorted(model_times().items(), key=lambda kv: -kv[1]):
        print(f"{'':>14}{model:<34}{seconds:>7.1f} s")


def report_pair_throughput(db_path: Path) -> None:
    """Pairs the co-occurrence self-join examined per second, from a run of it alone."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        (pairs,) = con.execute(PAIRS_EXAMINED_SQL).fetchall()[0]
    finally:
        con.close()
    seconds = model_times()["int_item_pair_counts"]
    print(
        f"{'':>14}co-occurrence: {pairs / 1e6:,.1f}M pairs examined in {seconds:.1f} s"
        f" = {pairs / seconds / 1e6:,.1f}M pairs/s"
    )


def count_events(db_path: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("select count(*) from base_events").fetchall()[0][0]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="1000000,10000000", help="comma-separated sizes")
    parser.add_argument("--work-dir", type=Path, default=Path("data/bench"))
    parser.add_argument(
        "--data", type=Path, help="benchmark this folder of contract files instead of demo data"
    )
    parser.add_argument(
        "--layers",
        default=",".join(name for name, _ in LAYERS),
        help="comma-separated layers to build, in order (e.g. seeds,staging,interactions,"
        "segments), or 'all': one complete dbt build as make demo runs it",
    )
    parser.add_argument(
        "--vs-peers",
        action="store_true",
        help="time SAR and implicit's ALS against the project's equivalent models"
        " (installs them into their own environment in the work dir)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (--vs-peers)")
    args = parser.parse_args(argv)
    if args.vs_peers:
        vs_peers(args)
        return
    layers = args.layers.split(",")
    unknown = set(layers) - {name for name, _ in LAYERS} - {"all"}
    if unknown or ("all" in layers and len(layers) > 1):
        parser.error(f"layers must be 'all' or some of {[n for n, _ in LAYERS]}, got {layers}")
    build = build_all if layers == ["all"] else partial(build_layers, layers=layers)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"{'events':>12}  {'step':<20}{'wall s':>9}{'peak GiB':>10}")
    sizes = [0] if args.data else [int(size) for size in args.events.split(",")]
    for events in sizes:
        # Per-model figures are held back until every step of this size is green.
        details = io.StringIO()
        with redirect_stdout(details):
            if args.data:
                steps = build(args.data, args.work_dir / "custom.duckdb")
                events = count_events(args.work_dir / "custom.duckdb")
            else:
                data_dir = args.work_dir / f"events_{events}"
                steps = [generate(events, data_dir)]
                steps += build(data_dir, args.work_dir / f"events_{events}.duckdb")
        print(details.getvalue(), end="", flush=True)
        for step in steps:
            print(f"{events:>12,}  {step.name:<20}{step.seconds:>9.1f}{step.peak_rss_gib:>10.2f}")
        core = [s for s in steps if s.name in ("staging", "interactions")]
        if not core:
            continue
        total = sum(s.seconds for s in core)
        peak = max(s.peak_rss_gib for s in core)
        print(
            f"{events:>12,}  {'staging+interactions':<20}{total:>9.1f}{peak:>10.2f}"
            f"   ({events / total / 1e6:.2f}M events/s)"
        )


def vs_peers(args: argparse.Namespace) -> None:
    """Build each size's recommender inputs, then compare with the peers (bench_peers)."""
    from retail_recs import bench_peers
    from retail_recs.project import default_vars

    settings = default_vars()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    for events in [int(size) for size in args.events.split(",")]:
        data_dir = args.work_dir / f"events_{events}"
        db_path = args.work_dir / f"events_{events}.duckdb"
        with redirect_stdout(io.StringIO()):
            generate(events, data_dir)
            build_layers(data_dir, db_path, bench_peers.LAYERS_NEEDED)
        comparisons = bench_peers.compare(
            data_dir,
            db_path,
            args.work_dir,
            rounds=args.rounds,
            k=int(settings["retail_recs__recommendations_per_user"]),
            factors=int(settings["retail_recs__svd_factors"]),
        )
        bench_peers.report(comparisons, events)


if __name__ == "__main__":
    main()
