"""Benchmark: an incremental refresh of staging and interactions against a full build.

Usage::

    python -m retail_recs.bench_incremental [--events 10000000] [--append-share 0.01]

Generates demo data (or reuses it in the work dir), splits its events at the quantile of
event time that leaves ``--append-share`` of them for later, and then, each dbt invocation in
its own measured process (wall time, peak resident memory):

1. builds the seeds, and staging and interactions on the older events (a full build);
2. appends the newer events as a second source file and refreshes (incremental);
3. copies that warehouse and rebuilds the copy with ``--full-refresh``: the full build of
   the same selection on the same events.

It prints the per-model times of both, the speed-up (target at 10M events: >= 5x), and checks
that both warehouses hold the same rows (counts per table; the interaction matrix compared
value by value). Two more figures show what a refresh costs whatever it appends: a second
refresh with nothing new (it still re-checks the lookback window; the comparison then also
shows that it changes nothing), and a dbt run that selects nothing (dbt's own start, manifest
and artifacts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import duckdb

from retail_recs.bench import generate, model_times, run_measured
from retail_recs.build import dbt_args

# Staging and interactions: the bench's "staging" and "interactions" layers in one invocation.
SELECTION = [
    "--select",
    "staging",
    "+marts.core",
    "+marts.data_quality",
    "pii",
    "--exclude",
    "tag:evaluation",
]
# Tables compared between the incremental and the fully refreshed warehouse.
COMPARED = (
    "stg_events_checked",
    "int_interaction_totals",
    "int_purchase_intervals",
    "fct_interactions",
    "fct_basket_items",
    "dim_customers",
    "dim_items",
    "data_quality_reconciliation",
)


def split_events(source: Path, events_dir: Path, append_share: float) -> tuple[int, int]:
    """Write ``source``'s events as events_1 (older) and events_2 (the newest
    ``append_share``, by parsed event time; unparseable times stay in the first file)."""
    events_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    parsed = "try_cast(trim(event_at) as timestamptz)"
    con.execute(f"create view e as select *, {parsed} as t from read_parquet('{source}')")
    (split_at,) = con.execute(f"select quantile_disc(t, {1 - append_share}) from e").fetchone()
    con.execute("set variable split_at = ?", [split_at])
    counts = []
    for number, condition in (
        (1, "not coalesce(t > getvariable('split_at'), false)"),
        (2, "t > getvariable('split_at')"),
    ):
        path = events_dir / f"events_{number}.parquet"
        con.execute(f"copy (select * exclude (t) from e where {condition}) to '{path}'")
        counts.append(con.execute(f"select count(*) from '{path}'").fetchone()[0])
    return counts[0], counts[1]


def run_step(name: str, data_dir: Path, events_dir: Path, db_path: Path, args: list[str]):
    """Time one dbt invocation. An untimed `dbt parse` with the same vars and database path
    goes first: the path is part of the profile, so the first invocation on a new path parses
    the whole project (about 5 s) where a user's next run would reuse its partial parse."""
    dbt = [str(Path(sys.executable).parent / "dbt")]
    variables = {"retail_recs__events_location": str(events_dir / "events_*.parquet")}
    env = {**os.environ, "RETAIL_RECS_DB": str(db_path)}
    run_measured(dbt + dbt_args("parse", data_dir, extra_vars=variables), env)
    command = dbt + dbt_args(args[0], data_dir, extra_vars=variables, extra_args=args[1:])
    step = run_measured(command, env)
    print(f"{name:<34}{step.seconds:>9.1f} s{step.peak_rss_gib:>9.2f} GiB", flush=True)
    return step


def print_model_times(top: int = 12) -> None:
    for model, seconds in sorted(model_times().items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {model:<38}{seconds:>7.1f} s")


def compare(incremental: Path, full: Path) -> bool:
    """Row counts of COMPARED in both warehouses, and fct_interactions value by value."""
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as ful (read_only)")
    same = True
    for table in COMPARED:
        a, b = (
            con.execute(f"select count(*) from {db}.{table}").fetchone()[0] for db in ("inc", "ful")
        )
        print(f"    {table:<38}{a:>12,}{b:>12,}{'' if a == b else '  DIFFERENT'}")
        same &= a == b
    (mismatched,) = con.execute(
        """
        select count(*) from inc.fct_interactions as i
        full outer join ful.fct_interactions as f using (user_id, item_id)
        where i.user_id is null or f.user_id is null
            or i.user_index <> f.user_index or i.item_index <> f.item_index
            or i.view_count <> f.view_count or i.purchase_count <> f.purchase_count
            or i.order_count <> f.order_count or abs(i.net_revenue - f.net_revenue) > 0.005
            or abs(i.affinity - f.affinity) > 1e-9 * greatest(1, abs(f.affinity))
            or i.last_interaction_at <> f.last_interaction_at
        """
    ).fetchone()
    print(f"    fct_interactions rows that differ: {mismatched:,}")
    return same and mismatched == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--append-share", type=float, default=0.01)
    parser.add_argument("--work-dir", type=Path, default=Path("data/bench_incremental"))
    parser.add_argument(
        "--keep-first-build",
        action="store_true",
        help="also keep a copy of the warehouse before the append (first_build.duckdb)",
    )
    args = parser.parse_args(argv)
    data_dir = args.work_dir / f"events_{args.events}"
    if not (data_dir / "events.parquet").exists():
        generate(args.events, data_dir)
    events_dir = args.work_dir / f"events_{args.events}_split"
    older, newer = split_events(data_dir / "events.parquet", events_dir, args.append_share)
    print(
        f"events: {older:,} in the first build, {newer:,} appended ({newer / (older + newer):.2%})"
    )
    (events_dir / "events_2.parquet").rename(events_dir / "appended.parquet.later")

    incremental_db = args.work_dir / "incremental.duckdb"
    full_db = args.work_dir / "full_refresh.duckdb"
    for stale in (incremental_db, full_db):
        stale.unlink(missing_ok=True)
    run_step("seeds", data_dir, events_dir, incremental_db, ["seed"])
    run_step(
        "first build (older events)", data_dir, events_dir, incremental_db, ["run", *SELECTION]
    )
    if args.keep_first_build:
        shutil.copy(incremental_db, args.work_dir / "first_build.duckdb")
    (events_dir / "appended.parquet.later").rename(events_dir / "events_2.parquet")
    refresh = run_step(
        "incremental refresh (+appended)", data_dir, events_dir, incremental_db, ["run", *SELECTION]
    )
    print_model_times()
    shutil.copy(incremental_db, full_db)
    floor = run_step(
        "refresh again, nothing appended", data_dir, events_dir, incremental_db, ["run", *SELECTION]
    )
    print_model_times(top=6)
    dbt_alone = run_step(
        "dbt run selecting nothing",
        data_dir,
        events_dir,
        incremental_db,
        ["run", "--select", "tag:retail_recs_bench_selects_nothing"],
    )
    full = run_step(
        "full build (--full-refresh)",
        data_dir,
        events_dir,
        full_db,
        ["run", *SELECTION, "--full-refresh"],
    )
    print_model_times()
    speed_up = full.seconds / refresh.seconds
    print(f"speed-up: {speed_up:.1f}x ({full.seconds:.1f} s / {refresh.seconds:.1f} s)")
    print(
        f"a refresh with nothing appended takes {floor.seconds / refresh.seconds:.0%} of this one;"
        f" {dbt_alone.seconds:.1f} s of it is dbt selecting nothing"
    )
    print("rows (incremental, full refresh):")
    if not compare(incremental_db, full_db):
        raise SystemExit("the incremental warehouse differs from the full refresh")


if __name__ == "__main__":
    main()
