"""Tests of ``retail_recs.publish``.

The fast tests publish a small synthetic build database with a hand-written manifest.json and
run_results.json: two exposure models (one in another schema, under an alias) and one model no
exposure uses. The slow ones build the demo warehouse with dbt, then read the publication
through SQLAlchemy + duckdb_engine (what BI tools use) while it is replaced, and kill builds
and publishes midway.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from retail_recs.build import run_dbt
from retail_recs.project import SOURCE_NAMES
from retail_recs.publish import (
    CURRENT_LINK,
    LOCK_NAME,
    PARQUET_DIR,
    PUBLICATION_TABLE,
    PUBLISHED_NAME,
    TEMP_PREFIX,
    PublishError,
    main,
    publish,
)

from .conftest import WITHOUT_UNIT_TESTS, query

FIRST, SECOND = "aaaaaaaa-1111-4000-8000-000000000001", "bbbbbbbb-2222-4000-8000-000000000002"
# Model unique_id -> (schema, alias, name); the exposures use the first two.
MODELS = {
    "model.shop.orders": ("main", "orders", "orders"),
    "model.shop.customer_scores_v2": ("marts", "customer_scores", "customer_scores_v2"),
    "model.shop.stg_internal": ("main", "stg_internal", "stg_internal"),
}
EXPOSURES = {
    "exposure.shop.sales": ["model.shop.orders", "source.shop.raw.events"],
    "exposure.shop.crm": ["model.shop.customer_scores_v2", "model.shop.orders"],
}
PUBLISHED = {"orders": "main.orders", "customer_scores": "marts.customer_scores"}
PASSING = {
    **dict.fromkeys(MODELS, "success"),
    "test.shop.not_null_orders_order_id": "pass",
    "test.shop.orders_amount_positive": "warn",
    "unit_test.shop.customer_scores_v2.scores_rank": "pass",
    **dict.fromkeys(EXPOSURES, "no-op"),
}


def make_build(
    folder: Path,
    invocation_id: str = FIRST,
    orders: int = 5,
    statuses: dict[str, str] | None = None,
    which: str = "build",
    customers: tuple[str, ...] = ("U0", "U1", "U2"),
) -> tuple[Path, Path]:
    """A build database, then the run_results.json and manifest.json of its build; returns
    the database and the target folder."""
    folder.mkdir(parents=True, exist_ok=True)
    db_path, target = folder / "build.duckdb", folder / "target"
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema marts")
        # Types a copy could lose: decimals, time zones, nested, huge integers, enums, nulls.
        con.execute(
            f"""
            create table main.orders as
            select
                i::integer as order_id,
                (i * 10.25)::decimal(12, 2) as amount,
                timestamptz '2025-01-01 10:00:00+00' + to_days(i::integer) as placed_at,
                ['gift', 'sale'][1:i % 3] as tags,
                {{'channel': 'web', 'quantity': i::hugeint}} as detail,
                (case when i % 2 = 0 then 'a' else 'b' end)::enum('a', 'b') as segment,
                nullif(i % 4 = 0, true) as is_gift
            from range({orders}) as r(i)
            """
        )
        con.execute(
            "create table marts.customer_scores as select user_id, i / 7 as score"
            " from (select unnest(?) as user_id, unnest(range(?)) as i)",
            [list(customers), len(customers)],
        )
        con.execute("create table main.stg_internal as select 1 as secret")
    finally:
        con.close()
    target.mkdir(exist_ok=True)
    nodes = {
        node_id: {
            "name": name,
            "alias": alias,
            "schema": schema,
            "resource_type": "model",
            "config": {"materialized": "table"},
        }
        for node_id, (schema, alias, name) in MODELS.items()
    }
    manifest = {
        "metadata": {"invocation_id": invocation_id},
        "nodes": nodes,
        "exposures": {
            exposure_id: {"name": exposure_id.split(".")[-1], "depends_on": {"nodes": depends}}
            for exposure_id, depends in EXPOSURES.items()
        },
    }
    run_results = {
        "metadata": {"invocation_id": invocation_id},
        "args": {"which": which},
        "results": [
            {"unique_id": unique_id, "status": status}
            for unique_id, status in {**PASSING, **(statuses or {})}.items()
        ],
    }
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (target / "run_results.json").write_text(json.dumps(run_results), encoding="utf-8")
    return db_path, target


def snapshot(out_dir: Path) -> dict[str, str]:
    """The sha256 of every file and the target of every link under ``out_dir``, but for a
    run's temporary files (see ``leftovers``)."""
    state = {}
    for folder, dirs, files in os.walk(out_dir):
        dirs[:] = [name for name in dirs if not name.startswith(TEMP_PREFIX)]
        for name in dirs + [name for name in files if not name.startswith(TEMP_PREFIX)]:
            path = Path(folder, name)
            key = str(path.relative_to(out_dir))
            if path.is_symlink():
                state[key] = "-> " + os.readlink(path)
            elif path.is_file():
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def check_publication(out_dir: Path) -> tuple[str, dict[str, int]]:
    """The invocation id and row counts of the publication in ``out_dir``, after checking
    that every table of the DuckDB file and of the Parquet folder ``current`` points at has
    the rows its own ``_publication`` says, and that both are the same publication."""
    db_rows = query(
        out_dir / PUBLISHED_NAME,
        f"select table_name, row_count, invocation_id, publication_id from {PUBLICATION_TABLE}",
    )
    counts = {table: rows for table, rows, _, _ in db_rows}
    (invocation_id,), (publication_id,) = {r[2] for r in db_rows}, {r[3] for r in db_rows}
    for table, rows in counts.items():
        assert query(out_dir / PUBLISHED_NAME, f'select count(*) from "{table}"') == [(rows,)]

    current = out_dir / PARQUET_DIR / CURRENT_LINK
    assert current.resolve().name == publication_id
    con = duckdb.connect()
    try:
        parquet_rows = con.execute(
            "select table_name, row_count from read_parquet(?)",
            [str(current / f"{PUBLICATION_TABLE}.parquet")],
        ).fetchall()
        assert dict(parquet_rows) == counts
        assert {p.stem for p in current.iterdir()} == {*counts, PUBLICATION_TABLE}
        for table, rows in counts.items():
            path = str(current / f"{table}.parquet")
            assert con.execute("select count(*) from read_parquet(?)", [path]).fetchone() == (rows,)
    finally:
        con.close()
    return invocation_id, counts


def leftovers(out_dir: Path) -> list[str]:
    return sorted(
        p.name for d in (out_dir, out_dir / PARQUET_DIR) for p in d.glob(TEMP_PREFIX + "*")
    )


# --- What is published ------------------------------------------------------------------------


def test_publishes_exactly_the_exposure_models_with_identical_contents_and_types(tmp_path):
    db_path, target = make_build(tmp_path / "b1")
    out = tmp_path / "published"
    publication = publish(db_path, out, target)

    assert publication.path == out / PUBLISHED_NAME
    assert publication.row_counts == {"customer_scores": 3, "orders": 5}
    con = duckdb.connect(str(publication.path), read_only=True)
    try:
        con.execute(f"attach '{db_path}' as build (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = current_database()"
        ).fetchall()
        assert sorted(tables) == sorted(
            [("main", PUBLICATION_TABLE), *(("main", t) for t in PUBLISHED)]
        )
        for table, source in PUBLISHED.items():
            assert (
                con.execute(f"describe main.{table}").fetchall()
                == con.execute(f"describe build.{source}").fetchall()
            )
            for a, b in (
                (f"main.{table}", f"build.{source}"),
                (f"build.{source}", f"main.{table}"),
            ):
                (extra,) = con.execute(
                    f"select count(*) from (from {a} except all from {b})"
                ).fetchone()
                assert extra == 0, f"{a} has rows {b} lacks"
    finally:
        con.close()


def test_publication_table_counts_rows_per_table(tmp_path):
    db_path, target = make_build(tmp_path / "b1", orders=7)
    out = tmp_path / "published"
    publication = publish(db_path, out, target)

    invocation_id, counts = check_publication(out)
    assert invocation_id == FIRST
    assert counts == {"orders": 7, "customer_scores": 3} == publication.row_counts
    assert publication.rows == 10
    ((published_at_type,),) = query(
        out / PUBLISHED_NAME,
        f"select distinct typeof(published_at) from {PUBLICATION_TABLE}",
    )
    assert published_at_type == "TIMESTAMP WITH TIME ZONE"


# --- What is refused ---------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path) -> Path:
    """A folder holding one good publication (of FIRST), to check that refusals keep it."""
    db_path, target = make_build(tmp_path / "good")
    out = tmp_path / "published"
    publish(db_path, out, target)
    return out


@pytest.mark.parametrize(
    "unique_id, status",
    [
        ("model.shop.orders", "error"),
        ("test.shop.not_null_orders_order_id", "fail"),
        ("test.shop.not_null_orders_order_id", "error"),
        ("unit_test.shop.customer_scores_v2.scores_rank", "fail"),
        ("model.shop.customer_scores_v2", "skipped"),
        ("model.shop.stg_internal", "runtime error"),
        ("model.shop.orders", "no-op"),
    ],
)
def test_refuses_a_build_with_a_result_that_did_not_pass(published, tmp_path, unique_id, status):
    before = snapshot(published)
    db_path, target = make_build(tmp_path / "bad", SECOND, orders=9, statuses={unique_id: status})
    with pytest.raises(PublishError, match=f"{unique_id} \\({status}\\)"):
        publish(db_path, published, target)
    assert snapshot(published) == before
    assert leftovers(published) == []
    assert check_publication(published)[0] == FIRST


def _not_a_build(db_path: Path, target: Path) -> str:
    run_results = json.loads((target / "run_results.json").read_text())
    (target / "run_results.json").write_text(json.dumps({**run_results, "args": {"which": "run"}}))
    return "not `dbt build`"


def _empty_build(db_path: Path, target: Path) -> str:
    run_results = json.loads((target / "run_results.json").read_text())
    args = {"which": "build", "empty": True}
    (target / "run_results.json").write_text(json.dumps({**run_results, "args": args}))
    return "--empty"


def _no_run_results(db_path: Path, target: Path) -> str:
    (target / "run_results.json").unlink()
    return "no .*run_results.json"


def _truncated_run_results(db_path: Path, target: Path) -> str:
    (target / "run_results.json").write_text('{"metadata": {')
    return "not valid JSON"


def _no_database(db_path: Path, target: Path) -> str:
    db_path.unlink()
    return "no build database"


def _database_changed_later(db_path: Path, target: Path) -> str:
    later = (target / "run_results.json").stat().st_mtime + 3600
    os.utime(db_path, (later, later))
    return "changed 3600 s after"


def _database_wal(db_path: Path, target: Path) -> str:
    db_path.with_name(db_path.name + ".wal").write_bytes(b"")
    return "a build is running"


def _manifest_of_another_invocation(db_path: Path, target: Path) -> str:
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["metadata"]["invocation_id"] = "someone-else"
    (target / "manifest.json").write_text(json.dumps(manifest))
    return "different dbt invocations"


def _no_exposures(db_path: Path, target: Path) -> str:
    manifest = json.loads((target / "manifest.json").read_text())
    (target / "manifest.json").write_text(json.dumps({**manifest, "exposures": {}}))
    return "no exposures"


def _missing_table(db_path: Path, target: Path) -> str:
    con = duckdb.connect(str(db_path))
    con.execute("drop table marts.customer_scores")
    con.close()
    os.utime(target / "run_results.json")
    return "no table marts.customer_scores"


@pytest.mark.parametrize(
    "spoil",
    [
        _not_a_build,
        _empty_build,
        _no_run_results,
        _truncated_run_results,
        _no_database,
        _database_changed_later,
        _database_wal,
        _manifest_of_another_invocation,
        _no_exposures,
        _missing_table,
    ],
)
def test_refuses_and_keeps_the_previous_publication(published, tmp_path, spoil):
    before = snapshot(published)
    db_path, target = make_build(tmp_path / "bad", SECOND, orders=9)
    message = spoil(db_path, target)
    with pytest.raises(PublishError, match=message):
        publish(db_path, published, target)
    assert snapshot(published) == before
    assert leftovers(published) == []


def test_refuses_while_dbt_holds_the_build_database(published, tmp_path):
    before = snapshot(published)
    db_path, target = make_build(tmp_path / "locked", SECOND)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(PublishError, match="cannot read"):
            publish(db_path, published, target)
    finally:
        holder.kill()
        holder.wait()
    assert snapshot(published) == before
    assert leftovers(published) == []


def test_refuses_while_another_publish_runs(published, tmp_path):
    db_path, target = make_build(tmp_path / "b2", SECOND)
    before = snapshot(published)
    with open(published / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match="another publish is running"):
            publish(db_path, published, target)
    assert snapshot(published) == before


# --- Parquet, pruning, leftovers -------------------------------------------------------------


def test_parquet_current_points_at_the_newest_publication_and_old_ones_are_pruned(tmp_path):
    out = tmp_path / "published"
    ids = []
    for n, invocation_id in enumerate((FIRST, SECOND, "cccccccc-3333", "dddddddd-4444")):
        db_path, target = make_build(tmp_path / f"b{n}", invocation_id, orders=n + 2)
        publication = publish(db_path, out, target)
        ids.append(publication.publication_id)
        assert check_publication(out) == (invocation_id, {"orders": n + 2, "customer_scores": 3})
        assert os.readlink(out / PARQUET_DIR / CURRENT_LINK) == publication.publication_id
    assert ids == sorted(ids), "publication ids sort by time"
    folders = sorted(p.name for p in (out / PARQUET_DIR).iterdir() if p.name != CURRENT_LINK)
    assert folders == ids[-2:]


def test_a_customer_erased_from_the_build_stays_in_no_kept_publication(tmp_path):
    """The previous Parquet folder is kept for in-flight readers, but not when it holds a
    customer the new build no longer has (customers leave only by erasure)."""
    out = tmp_path / "published"
    erased = "erased-customer-7f3a"
    db_path, target = make_build(tmp_path / "b0", FIRST, customers=("U0", erased, "U2"))
    publish(db_path, out, target)
    db_path, target = make_build(tmp_path / "b1", SECOND, customers=("U0", "U2"))
    publication = publish(db_path, out, target)
    folders = [p.name for p in (out / PARQUET_DIR).iterdir() if p.name != CURRENT_LINK]
    assert folders == [publication.publication_id]
    holding = [p for p in out.rglob("*") if p.is_file() and erased.encode() in p.read_bytes()]
    assert holding == []
    # Without an erasure the previous folder stays, as the pruning test shows.
    db_path, target = make_build(tmp_path / "b2", "cccccccc-3333", customers=("U0", "U2"))
    publish(db_path, out, target)
    assert len([p for p in (out / PARQUET_DIR).iterdir() if p.name != CURRENT_LINK]) == 2


def test_leftovers_of_a_crashed_publish_are_removed(published, tmp_path):
    parquet = published / PARQUET_DIR
    planted = [
        published / f"{TEMP_PREFIX}20250101T000000000000Z-dead.duckdb",
        published / f"{TEMP_PREFIX}20250101T000000000000Z-dead.duckdb.wal",
        parquet / f"{TEMP_PREFIX}20250101T000000000000Z-dead" / "orders.parquet",
    ]
    for path in planted:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half")
    (parquet / f"{TEMP_PREFIX}{CURRENT_LINK}-x").symlink_to("nowhere")
    # A complete folder that never went live (killed between its rename and the link swap).
    orphan = parquet / "20250101T000000000000Z-orphan"
    orphan.mkdir()
    previous = os.readlink(parquet / CURRENT_LINK)

    db_path, target = make_build(tmp_path / "b2", SECOND)
    publication = publish(db_path, published, target)
    assert leftovers(published) == []
    assert not orphan.exists()
    assert sorted(p.name for p in parquet.iterdir()) == sorted(
        [CURRENT_LINK, previous, publication.publication_id]
    )
    assert check_publication(published)[0] == SECOND


def test_a_stale_wal_beside_the_published_file_is_removed(published, tmp_path):
    """Someone opened the published copy read-write and was killed: DuckDB would refuse the
    new file beside the old file's WAL."""
    (published / f"{PUBLISHED_NAME}.wal").write_bytes(b"not this file's wal")
    db_path, target = make_build(tmp_path / "b2", SECOND)
    publish(db_path, published, target)
    assert not (published / f"{PUBLISHED_NAME}.wal").exists()
    assert check_publication(published)[0] == SECOND


def test_a_reader_holding_the_old_file_keeps_reading_it(published, tmp_path):
    old = duckdb.connect(str(published / PUBLISHED_NAME), read_only=True)
    try:
        db_path, target = make_build(tmp_path / "b2", SECOND, orders=11)
        publish(db_path, published, target)
        assert old.execute("select count(*) from orders").fetchone() == (5,)
        assert old.execute(
            f"select distinct invocation_id from {PUBLICATION_TABLE}"
        ).fetchall() == [(FIRST,)]
    finally:
        old.close()
    assert check_publication(published) == (SECOND, {"orders": 11, "customer_scores": 3})


# --- Command line ----------------------------------------------------------------------------


def test_cli_prints_one_line_and_exits_1_on_refusal(tmp_path, capsys):
    db_path, target = make_build(tmp_path / "b1")
    out = tmp_path / "published"
    args = ["--db", str(db_path), "--out", str(out), "--target-dir", str(target)]
    assert main(args) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1
    assert printed[0].startswith("published 2 tables, 8 rows")
    assert str(out / PUBLISHED_NAME) in printed[0]

    _not_a_build(db_path, target)
    before = snapshot(out)
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "error:" in captured.err and "dbt build" in captured.err
    assert captured.out == ""
    assert snapshot(out) == before


# --- With dbt and a real BI client (slow) ----------------------------------------------------

# Reads the publication through SQLAlchemy + duckdb_engine in a loop until STOP exists, each
# round on a new connection and, with "hold", also on one connection kept open throughout;
# every round checks each table against `_publication` in the same connection. READY holds
# the start time of the latest finished round; REPORT gets every round and every error.
READER = textwrap.dedent(
    """
    import json, sys, time, traceback
    from pathlib import Path
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    db, stop, ready, report, hold = sys.argv[1:6]
    engine = sa.create_engine(
        f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=NullPool
    )

    def read(con):
        rows = con.execute(
            sa.text("select table_name, row_count, invocation_id from _publication")
        ).fetchall()
        invocations = {invocation for _, _, invocation in rows}
        assert len(invocations) == 1, f"_publication mixes {invocations}"
        for table, expected, _ in rows:
            count = con.execute(sa.text(f'select count(*) from "{table}"')).scalar_one()
            assert count == expected, f"{table}: {count} rows, _publication says {expected}"
        return invocations.pop()

    seen, errors = [], []
    held = engine.connect() if hold == "hold" else None
    while not Path(stop).exists():
        started = time.time()
        try:
            if held is not None:
                seen.append(["held", started, read(held)])
            with engine.connect() as con:
                seen.append(["new", started, read(con)])
        except Exception:
            errors.append(traceback.format_exc())
        Path(ready).write_text(repr(started))
        time.sleep(0.1)
    if held is not None:
        held.close()
    Path(report).write_text(json.dumps({"seen": seen, "errors": errors}))
    """
)


def dbt_paths(folder: Path) -> list[str]:
    """dbt arguments that keep the target and logs of a test build in ``folder``."""
    return ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]


@pytest.fixture(scope="module")
def demo_data(small_demo_data, tmp_path_factory) -> Path:
    """The small demo set as generated: without the campaign responses that the
    ``demo_warehouse`` fixture may have simulated into it, whichever test ran first."""
    folder = tmp_path_factory.mktemp("publish_demo_data")
    for name in (*SOURCE_NAMES, "customers", "erasure_requests"):
        shutil.copy(small_demo_data / f"{name}.parquet", folder)
    return folder


@pytest.fixture(scope="module")
def first_build(demo_data, tmp_path_factory) -> tuple[Path, Path]:
    """The small demo warehouse, built with `dbt build`; its database and target folder."""
    folder = tmp_path_factory.mktemp("publish_first_build")
    db_path = folder / "warehouse.duckdb"
    result = run_dbt(
        "build", demo_data, db_path, extra_args=[*dbt_paths(folder), *WITHOUT_UNIT_TESTS]
    )
    assert result.success, f"dbt build failed: {result.exception}"
    return db_path, folder / "target"


def start_reader(folder: Path, db: Path, hold: bool) -> tuple[subprocess.Popen, Path, Path]:
    ready, report = folder / "ready", folder / "report.json"
    args = [str(db), str(folder / "stop"), str(ready), str(report), "hold" if hold else "new"]
    process = subprocess.Popen([sys.executable, "-c", READER, *args])
    return process, ready, report


def last_round(ready: Path) -> float:
    """When the reader's latest finished round started (0 while it is writing that)."""
    try:
        return float(ready.read_text())
    except ValueError:
        return 0.0


def stop_reader(process: subprocess.Popen, folder: Path, report: Path) -> dict:
    (folder / "stop").touch()
    assert process.wait(timeout=60) == 0
    return json.loads(report.read_text())


def end_reader(process: subprocess.Popen, folder: Path) -> None:
    """Stop a reader that a failed assertion left running (it would loop until killed)."""
    if process.poll() is None:
        (folder / "stop").touch()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_bi_readers_never_block_a_build_nor_see_a_mix(first_build, demo_data, tmp_path):
    db_path, target = first_build
    out = tmp_path / "published"
    first = publish(db_path, out, target)
    readers = {}
    try:
        for hold in (False, True):
            folder = tmp_path / ("held" if hold else "fresh")
            folder.mkdir()
            readers[hold] = (folder, *start_reader(folder, out / PUBLISHED_NAME, hold))
        deadline = time.time() + 60
        while not all(ready.exists() for _, _, ready, _ in readers.values()):
            assert all(p.poll() is None for _, p, _, _ in readers.values()), "a reader died"
            assert time.time() < deadline, "the readers never read the first publication"
            time.sleep(0.1)

        # A second build, with different numbers, while both readers read; then its publication.
        second_folder = tmp_path / "second_build"
        second_db = second_folder / "warehouse.duckdb"
        build_started = time.time()
        result = run_dbt(
            "build",
            demo_data,
            second_db,
            # Earlier than the last event: other numbers. (Much earlier, 2025-10-31, and the
            # propensity model fails its convergence test: publish refuses that build.)
            extra_vars={"retail_recs__as_of": "2025-12-24"},
            extra_args=[*dbt_paths(second_folder), *WITHOUT_UNIT_TESTS],
        )
        assert result.success, f"dbt build while readers read failed: {result.exception}"
        build_ended = time.time()
        second = publish(second_db, out, second_folder / "target")
        swapped = time.time()
        fresh_ready = readers[False][2]
        while last_round(fresh_ready) <= swapped:
            assert time.time() < swapped + 60, "the reader never read again after the swap"
            time.sleep(0.1)
        reports = {
            hold: stop_reader(p, folder, report) for hold, (folder, p, _, report) in readers.items()
        }
    finally:
        for folder, process, _, _ in readers.values():
            end_reader(process, folder)

    assert second.row_counts != first.row_counts
    for hold, report in reports.items():
        assert report["errors"] == [], f"reader (hold={hold}) failed:\n" + "\n".join(
            report["errors"]
        )
    fresh = reports[False]["seen"]
    during_build = [inv for _, t, inv in fresh if build_started <= t < build_ended]
    assert during_build and set(during_build) == {first.invocation_id}
    after = [inv for _, t, inv in fresh if t > swapped]
    assert after and set(after) == {second.invocation_id}, "new connections see the new file"
    # Never back to the old file once the new one was seen.
    invocations = [inv for _, _, inv in fresh]
    assert invocations == sorted(invocations, key=[first.invocation_id, second.invocation_id].index)
    # The connection held open through the swap reads the old file, whole, to the end.
    # (So do new connections of that process, not asserted: DuckDB shares one database per
    # path within a process, so a pool that keeps a connection open never sees a new file.)
    held = [inv for kind, _, inv in reports[True]["seen"] if kind == "held"]
    assert held and set(held) == {first.invocation_id}
    assert check_publication(out) == (second.invocation_id, second.row_counts)


def run_killed(command: str, kill_when, seed: int) -> None:
    """Run ``command`` in bash in its own process group; SIGKILL the group once
    ``kill_when()`` is true."""
    process = subprocess.Popen(
        ["bash", "-c", command],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not kill_when():
            assert process.poll() is None, f"finished before the kill (seed {seed}): {command}"
            time.sleep(0.002)
        assert process.poll() is None, f"finished before the kill (seed {seed}): {command}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.slow
def test_a_killed_build_or_publish_leaves_the_previous_publication(
    first_build, demo_data, tmp_path
):
    seed = int(os.environ.get("RETAIL_RECS_CRASH_SEED", random.SystemRandom().randrange(2**32)))
    rng = random.Random(seed)
    db_path, target = first_build
    out = tmp_path / "published"
    publish(db_path, out, target)
    good = snapshot(out)
    good_publication = check_publication(out)

    folder = tmp_path / "crash_build"
    crash_db = folder / "warehouse.duckdb"
    build = [sys.executable, "-m", "retail_recs.build", "--data", str(demo_data)]
    build += ["--db", str(crash_db), "--", *dbt_paths(folder)]
    publish_crash_db = [sys.executable, "-m", "retail_recs.publish", "--db", str(crash_db)]
    publish_crash_db += ["--out", str(out), "--target-dir", str(folder / "target")]
    build_and_publish = f"{shlex.join(build)} && {shlex.join(publish_crash_db)}"

    # 1. Killed during the build (a full one takes ~40 s).
    kill_at = time.time() + rng.uniform(3, 25)
    run_killed(build_and_publish, lambda: time.time() >= kill_at, seed)
    assert snapshot(out) == good, f"seed {seed}"
    assert check_publication(out) == good_publication, f"seed {seed}"

    # 2. Killed during the publish itself, once its temporary file exists.
    extra = rng.uniform(0, 0.05)
    started: list[float] = []

    def temporary_seen() -> bool:
        if not started and any(out.glob(TEMP_PREFIX + "*.duckdb")):
            started.append(time.time())
        return bool(started) and time.time() >= started[0] + extra

    publish_first = [sys.executable, "-m", "retail_recs.publish", "--db", str(db_path)]
    publish_first += ["--out", str(out), "--target-dir", str(target)]
    run_killed(shlex.join(publish_first), temporary_seen, seed)
    assert leftovers(out), f"seed {seed}: the kill came too late to test anything"
    assert snapshot(out) == good, f"seed {seed}"
    assert check_publication(out) == good_publication, f"seed {seed}"

    # 3. The same build and publish, left alone, succeed on what the kills left behind.
    completed = subprocess.run(["bash", "-c", build_and_publish], capture_output=True, text=True)
    assert completed.returncode == 0, f"seed {seed}: {completed.stdout[-2000:]}{completed.stderr}"
    assert completed.stdout.strip().splitlines()[-1].startswith("published 18 tables")
    assert leftovers(out) == []
    invocation_id, counts = check_publication(out)
    assert invocation_id != good_publication[0]
    assert counts == good_publication[1], "same data, same rows"
