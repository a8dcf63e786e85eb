"""Publish the BI-facing tables of a passing ``dbt build`` as a separate, read-only warehouse.

Usage: ``python -m retail_recs.publish [--db PATH] [--out DIR] [--target-dir DIR]``

DuckDB allows one writing process or many reading ones, never both: a dashboard holding the
build file open makes ``dbt build`` fail on the lock, and a reader during a build sees
nothing. So dashboards read a copy instead, ``<out>/retail_recs.duckdb``, that only this
command writes, and only after a build whose every model and test passed:

1. ``<target-dir>/run_results.json`` must come from a ``dbt build`` where every result
   passed (warnings allowed), with the ``manifest.json`` of the same invocation.
2. The tables are the models the dbt exposures depend on (``models/marts/_exposures.yml``),
   copied into a new file under a temporary name, with a ``_publication`` table (one row per
   table: row count, time, dbt invocation id), then written to disk and renamed over the old
   one. Readers that hold the old file keep reading it (the old inode); new connections get
   the new one; nobody sees a half-written file.
3. The same tables go to ``<out>/parquet/<publication_id>/<table>.parquet``; the
   ``<out>/parquet/current`` symlink is then swapped to the new folder, and only the
   folders of the current and the previous publication are kept (the previous one only
   while it holds no customer the new one lacks: an erased customer stays in no copy).

A refusal or a crash at any point leaves the previous publication as it was; the next run
removes what a crashed one left behind (names starting with ``.publish-``).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from retail_recs.project import database_path

logger = logging.getLogger(__name__)

DEFAULT_OUT_DIR = Path("warehouse/published")
DEFAULT_TARGET_DIR = Path("target")
PUBLISHED_NAME = "retail_recs.duckdb"
PUBLICATION_TABLE = "_publication"
PARQUET_DIR = "parquet"
CURRENT_LINK = "current"
# Everything a run creates before its final rename starts with this, so the next run can tell
# a crashed run's leftovers from live files.
TEMP_PREFIX = ".publish-"
LOCK_NAME = ".publish.lock"
PUBLICATION_ID = re.compile(r"\d{8}T\d{12}Z-[0-9A-Za-z]+")
PASSED_STATUSES = ("success", "pass", "warn")
# dbt reports exposures (and saved queries) as "no-op": nothing to run, nothing failed.
NO_OP_STATUS = "no-op"
NO_OP_RESOURCES = ("exposure", "saved_query")
# dbt writes run_results.json just before it closes the database, and the checkpoint on close
# touches the file a moment later; a database changed after that was changed by another run.
CLOSE_GRACE_S = 60.0
BUILD_ALIAS = "build"


class PublishError(RuntimeError):
    """The build is not fit to publish (or cannot be read); the publication is unchanged."""


@dataclass(frozen=True)
class Publication:
    """What one call of :func:`publish` wrote."""

    publication_id: str
    invocation_id: str
    path: Path
    parquet_dir: Path
    row_counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class _Table:
    """One exposure model: where it is in the build database."""

    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _read_json(path: Path) -> dict:
    if not path.exists():
        raise PublishError(f"no {path}: run `dbt build` first (or pass --target-dir)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PublishError(f"{path} is not valid JSON ({exc}): was dbt killed?") from exc


def check_run_results(run_results: dict, source: Path) -> str:
    """The invocation id of a ``dbt build`` in which every node passed.

    Parameters
    ----------
    run_results : dict
        The parsed ``run_results.json``.
    source : pathlib.Path
        Its path, for the messages.

    Returns
    -------
    str
        ``metadata.invocation_id``.

    Raises
    ------
    PublishError
        Not a ``dbt build`` (``dbt run`` runs no tests, ``--empty`` builds no rows), no
        results, or a result that did not pass: a failing test blocks publishing as surely as
        a model error, and so does a skipped node (it was not rebuilt).
    """
    args = run_results.get("args") or {}
    if args.get("which") != "build":
        raise PublishError(
            f"{source} is from `dbt {args.get('which')}`, not `dbt build`: only a build runs"
            " the tests that make a warehouse fit to publish"
        )
    if args.get("empty"):
        raise PublishError(f"{source} is from `dbt build --empty`: its tables have no rows")
    results = run_results.get("results") or []
    if not results:
        raise PublishError(f"{source} has no results: the build selected nothing")
    failed = [
        f"{result['unique_id']} ({result['status']})"
        for result in results
        if result["status"] not in PASSED_STATUSES
        and not (
            result["status"] == NO_OP_STATUS
            and result["unique_id"].split(".")[0] in NO_OP_RESOURCES
        )
    ]
    if failed:
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise PublishError(f"{len(failed)} of {len(results)} results in {source} failed: {shown}")
    invocation_id = (run_results.get("metadata") or {}).get("invocation_id")
    if not invocation_id:
        raise PublishError(f"{source} has no metadata.invocation_id")
    return invocation_id


def _exposure_tables(manifest: dict, source: Path) -> list[_Table]:
    """The models the exposures depend on, sorted by name.

    Parameters
    ----------
    manifest : dict
        The parsed ``manifest.json``.
    source : pathlib.Path
        Its path, for the messages.

    Returns
    -------
    list of _Table
        Schema and relation name (the alias, else the model name) of each model.

    Raises
    ------
    PublishError
        No exposures, an exposure on no model, an ephemeral model (it has no table), or two
        models that would share one name in the published file.
    """
    exposures = manifest.get("exposures") or {}
    if not exposures:
        raise PublishError(f"{source} has no exposures: nothing is marked for publishing")
    tables: dict[str, _Table] = {}
    for exposure_id, exposure in sorted(exposures.items()):
        node_ids = [n for n in exposure["depends_on"]["nodes"] if n.startswith("model.")]
        if not node_ids:
            raise PublishError(f"exposure {exposure_id} depends on no model")
        for node_id in node_ids:
            node = manifest["nodes"][node_id]
            if node["config"].get("materialized") == "ephemeral":
                raise PublishError(f"{node_id} (used by {exposure_id}) is ephemeral: no table")
            table = _Table(node["schema"], node.get("alias") or node["name"])
            if tables.get(table.name, table) != table:
                raise PublishError(
                    f"{tables[table.name]} and {table} would both be published as {table.name}"
                )
            tables[table.name] = table
    return sorted(tables.values(), key=lambda table: table.name)


def _check_database(db_path: Path, results_path: Path) -> None:
    """The build database exists and no other run changed it after ``results_path``."""
    if not db_path.exists():
        raise PublishError(f"no build database at {db_path}")
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        # dbt-duckdb checkpoints on close: a WAL means a build is running or was killed.
        raise PublishError(f"{wal} exists: a build is running on {db_path}, or one was killed")
    lag = db_path.stat().st_mtime - results_path.stat().st_mtime
    if lag > CLOSE_GRACE_S:
        raise PublishError(
            f"{db_path} changed {lag:.0f} s after {results_path} was written: the results"
            " are not those of the database (pass the --target-dir of its last build)"
        )


def _fsync(path: Path) -> None:
    """Flush a file or a folder (its entries, after a rename) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """Hold the folder's lock: two publishes at once would delete each other's files."""
    with open(out_dir / LOCK_NAME, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PublishError(f"another publish is running in {out_dir}") from exc
        yield  # the kernel drops the lock with the file, even when the process is killed


def _remove_leftovers(folder: Path) -> int:
    """Delete what a crashed run left in ``folder``: never a live name, only temporary ones."""
    removed = 0
    for entry in folder.glob(TEMP_PREFIX + "*"):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed += 1
    if removed:
        logger.warning("removed %d leftover(s) of an interrupted publish in %s", removed, folder)
    return removed


def _copy_tables(
    temporary: Path,
    db_path: Path,
    tables: list[_Table],
    invocation_id: str,
    publication_id: str,
    published_at: datetime,
    parquet_dir: Path,
) -> dict[str, int]:
    """Write the new publication into the file ``temporary`` and Parquet files into
    ``parquet_dir``; return the row count per table."""
    con = duckdb.connect(str(temporary))
    try:
        try:
            con.execute(f"attach {_literal(db_path.resolve())} as {BUILD_ALIAS} (read_only)")
        except duckdb.Error as exc:
            raise PublishError(f"cannot read {db_path}: {exc}") from exc
        row_counts: dict[str, int] = {}
        for table in tables:
            source = f"{BUILD_ALIAS}.{_quote(table.schema)}.{_quote(table.name)}"
            try:
                con.execute(f"create table main.{_quote(table.name)} as select * from {source}")
            except duckdb.CatalogException as exc:
                raise PublishError(f"{db_path} has no table {table}") from exc
            (row_counts[table.name],) = con.execute(
                f"select count(*) from main.{_quote(table.name)}"
            ).fetchone()
        con.execute(f"detach {BUILD_ALIAS}")
        con.execute(
            f"""
            create table main.{PUBLICATION_TABLE} (
                table_name varchar not null,
                row_count bigint not null,
                published_at timestamptz not null,
                invocation_id varchar not null,
                publication_id varchar not null
            )
            """
        )
        con.executemany(
            f"insert into main.{PUBLICATION_TABLE} values (?, ?, ?, ?, ?)",
            [
                (name, rows, published_at, invocation_id, publication_id)
                for name, rows in row_counts.items()
            ],
        )
        parquet_dir.mkdir()
        for name in (*row_counts, PUBLICATION_TABLE):
            path = parquet_dir / f"{name}.parquet"
            con.execute(f"copy main.{_quote(name)} to {_literal(path)} (format parquet)")
        con.execute("checkpoint")
    finally:
        con.close()
    return row_counts


def _prune(parquet_root: Path, keep: set[str]) -> None:
    """Delete every publication folder but those in ``keep``: the new one and the one
    ``current`` pointed at before, which a reader that resolved the link just before the
    swap may still be reading. Folders of crashed runs that never went live go too."""
    for entry in parquet_root.iterdir():
        if entry.name not in keep and PUBLICATION_ID.fullmatch(entry.name) and entry.is_dir():
            shutil.rmtree(entry)


def publish(
    db_path: str | Path | None = None,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    target_dir: str | Path = DEFAULT_TARGET_DIR,
) -> Publication:
    """Publish the exposure models of the build at ``db_path``; see the module docstring.

    Parameters
    ----------
    db_path : str or pathlib.Path, optional
        The database dbt built (opened read-only); default RETAIL_RECS_DB.
    out_dir : str or pathlib.Path
        Folder of the publication (created).
    target_dir : str or pathlib.Path
        Where that build wrote ``run_results.json`` and ``manifest.json``.

    Returns
    -------
    Publication
        The new publication.

    Raises
    ------
    PublishError
        The build did not pass, its results do not match the database, the database is
        missing or locked, or another publish is running; nothing was changed.
    """
    db_path = Path(db_path) if db_path is not None else database_path()
    out_dir, target_dir = Path(out_dir), Path(target_dir)
    results_path, manifest_path = target_dir / "run_results.json", target_dir / "manifest.json"
    invocation_id = check_run_results(_read_json(results_path), results_path)
    manifest = _read_json(manifest_path)
    if (manifest.get("metadata") or {}).get("invocation_id") != invocation_id:
        raise PublishError(
            f"{manifest_path} and {results_path} come from different dbt invocations"
        )
    tables = _exposure_tables(manifest, manifest_path)
    _check_database(db_path, results_path)
    live = out_dir / PUBLISHED_NAME
    if live.resolve() == db_path.resolve():
        raise PublishError(f"{live} is the build database itself")

    out_dir.mkdir(parents=True, exist_ok=True)
    parquet_root = out_dir / PARQUET_DIR
    parquet_root.mkdir(exist_ok=True)
    with _exclusive(out_dir):
        _remove_leftovers(out_dir)
        _remove_leftovers(parquet_root)
        try:
            publication = _publish_locked(db_path, out_dir, tables, invocation_id)
        except BaseException:
            # Our own temporary files (the lock makes them ours); a kill leaves them to the
            # next run instead.
            _remove_leftovers(out_dir)
            _remove_leftovers(parquet_root)
            raise
    return publication


def _publish_locked(
    db_path: Path, out_dir: Path, tables: list[_Table], invocation_id: str
) -> Publication:
    """Steps 2 and 3 of the module docstring, under the folder's lock."""
    live, parquet_root = out_dir / PUBLISHED_NAME, out_dir / PARQUET_DIR
    published_at = datetime.now(timezone.utc)
    prefix = re.sub(r"[^0-9A-Za-z]", "", invocation_id)[:8] or "dbt"
    publication_id = f"{published_at:%Y%m%dT%H%M%S%f}Z-{prefix}"
    temporary = out_dir / f"{TEMP_PREFIX}{publication_id}.duckdb"
    staging = parquet_root / f"{TEMP_PREFIX}{publication_id}"
    row_counts = _copy_tables(
        temporary, db_path, tables, invocation_id, publication_id, published_at, staging
    )
    # Both complete and on disk before either goes live; the Parquet folder is not live
    # until `current` points at it.
    parquet_dir = parquet_root / publication_id
    for path in [*staging.iterdir(), staging]:
        _fsync(path)
    staging.rename(parquet_dir)
    _fsync(parquet_root)
    _replace_file(temporary, live)
    _replace_link(parquet_root / CURRENT_LINK, publication_id)
    return Publication(publication_id, invocation_id, live, parquet_dir, row_counts)


def _replace_file(temporary: Path, live: Path) -> None:
    """Rename the finished DuckDB file over the live one, durably."""
    if temporary.with_name(temporary.name + ".wal").exists():
        raise PublishError(f"{temporary} kept a WAL after its checkpoint; not publishing")
    # Readers only ever read this copy; read-only on disk keeps a stray writer from leaving
    # a WAL beside it.
    temporary.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    _fsync(temporary)
    # A WAL beside the live name belongs to the old file (someone opened it read-write);
    # DuckDB would refuse to open the new file beside it ("WAL does not match database file").
    stale_wal = live.with_name(live.name + ".wal")
    if stale_wal.exists():
        logger.warning("removing %s: the published file is not meant to be written", stale_wal)
        stale_wal.unlink()
    os.replace(temporary, live)
    _fsync(live.parent)


def _replace_link(link: Path, publication_id: str) -> None:
    """Point ``link`` at the folder ``publication_id`` beside it, then prune old folders.

    The previous folder is kept for a reader that resolved the link just before the swap,
    unless it holds a customer the new one no longer has: customers leave only by erasure,
    and an erased customer must not stay in any kept publication.
    """
    previous = os.readlink(link) if link.is_symlink() else None
    temporary = link.with_name(f"{TEMP_PREFIX}{link.name}-{publication_id}")
    # Relative, so the folder can be moved or mounted elsewhere.
    temporary.symlink_to(publication_id)
    os.replace(temporary, link)
    _fsync(link.parent)
    if previous and _customers_gone(link.parent / previous, link.parent / publication_id):
        logger.info("previous publication %s held erased customers: not kept", previous)
        previous = None
    _prune(link.parent, {publication_id, previous} - {None})


def _customer_ids(folder: Path, con) -> str:
    """SQL for the distinct user_id values of every Parquet file in ``folder`` that has one."""
    selects = [
        f"select cast(user_id as varchar) as user_id from read_parquet({_literal(path)})"
        for path in sorted(folder.glob("*.parquet"))
        if "user_id" in con.sql(f"select * from read_parquet({_literal(path)})").columns
    ]
    return " union ".join(selects) or "select cast(null as varchar) as user_id where false"


def _customers_gone(previous: Path, current: Path) -> bool:
    """Whether ``previous`` holds a user_id that ``current`` lacks."""
    if not previous.is_dir():
        return False
    con = duckdb.connect()
    try:
        gone = con.execute(
            f"select count(*) from ({_customer_ids(previous, con)}"
            f" except {_customer_ids(current, con)}) as gone"
        ).fetchone()[0]
    finally:
        con.close()
    return gone > 0


def main(argv: list[str] | None = None) -> int:
    """Publish and print one line; 1 (with the reason) when the build is not fit to publish."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_recs.publish", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--db", type=Path, default=None, help="default: RETAIL_RECS_DB")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help=f"default: {DEFAULT_OUT_DIR}"
    )
    parser.add_argument(
        "--target-dir",
        type=Path,
        default=DEFAULT_TARGET_DIR,
        help=f"where dbt wrote run_results.json (default: {DEFAULT_TARGET_DIR})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        publication = publish(args.db, args.out, args.target_dir)
    except PublishError as exc:
        print(f"error: {exc}; the previous publication is unchanged", file=sys.stderr)
        return 1
    print(
        f"published {len(publication.row_counts)} tables, {publication.rows:,} rows"
        f" (dbt invocation {publication.invocation_id}) to {publication.path}"
        f" and {publication.parquet_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
