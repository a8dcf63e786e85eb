"""Run ``dbt build`` (or another dbt command) on a folder of contract files.

Usage::

    python -m retail_recs.build --data data/online_retail --db warehouse/online_retail.duckdb
    python -m retail_recs.build --data my_shop --db warehouse/my_shop.duckdb --encoding latin-1
    python -m retail_recs.build --data data/demo --engine spark

is ``dbt build`` with the source location vars pointed at the folder's events file (and its
items, customers, erasure_requests and campaign_events files, when it has them),
Parquet or CSV (``--format``, ``--encoding``), and RETAIL_RECS_DB at ``--db``. Extra
arguments after ``--`` go to dbt unchanged (``-- --select staging``). ``--engine spark``
builds on the profile's Spark target instead, in alternating SQL and Python stages
(retail_recs.spark_build).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from retail_recs import compact, encodings
from retail_recs.project import PROJECT_DIR, database_path, default_vars, source_vars


def dbt_vars(data_dir: Path | None, extra_vars: dict | None = None) -> dict:
    """The vars a build passes to dbt: the data folder's sources, then ``extra_vars``."""
    return {**(source_vars(data_dir) if data_dir else {}), **(extra_vars or {})}


def dbt_args(
    command: str,
    data_dir: Path | None = None,
    extra_vars: dict | None = None,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The argument list for one dbt invocation on this project."""
    variables = dbt_vars(data_dir, extra_vars)
    args = [command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if variables:
        args += ["--vars", json.dumps(variables)]
    return args + list(extra_args)


def run_dbt(
    command: str,
    data_dir: Path | None = None,
    db_path: Path | None = None,
    extra_vars: dict | None = None,
    extra_args: Sequence[str] = (),
):
    """Invoke dbt in this process and return its ``dbtRunnerResult``.

    ``db_path`` sets RETAIL_RECS_DB for the invocation (profiles.yml reads it).
    """
    from dbt.cli.main import dbtRunner

    if db_path is not None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["RETAIL_RECS_DB"] = str(db_path)
    try:
        return dbtRunner().invoke(dbt_args(command, data_dir, extra_vars, extra_args))
    finally:
        _release_duckdb()


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an in-process invocation.

    dbt-duckdb caches one database handle per process; left open, it holds the file lock and
    makes a later read-only connection from this process fail ("different configuration").
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        required=True,
        help="folder of an events file, and items, customers, erasure_requests and campaign_events"
        " files where the shop has them",
    )
    parser.add_argument("--db", type=Path, help="DuckDB file to build (default: RETAIL_RECS_DB)")
    parser.add_argument("--command", default="build", help="dbt command (default: build)")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb (default: the local file) or spark (profile target spark, in stages)",
    )
    parser.add_argument(
        "--vars", type=json.loads, default=None, help="more dbt vars, a JSON object"
    )
    parser.add_argument(
        "--format",
        choices=("auto", "csv", "json", "parquet"),
        help="how to read the files (default: by extension; sets retail_recs__source_format)",
    )
    parser.add_argument("--encoding", help="text encoding of CSV files (retail_recs__csv_encoding)")
    args = parser.parse_args(own)
    extra_vars = {
        **({"retail_recs__source_format": args.format} if args.format else {}),
        **({"retail_recs__csv_encoding": args.encoding} if args.encoding else {}),
        **(args.vars or {}),
    }
    if args.engine == "spark":
        return build_on_spark(parser, args, extra_vars, passthrough)
    db_path = args.db or database_path()
    existed = db_path.exists()
    try:
        settings = {**default_vars(), **dbt_vars(args.data, extra_vars)}
        encoding = encodings.utf16_encoding(settings, settings["retail_recs__csv_encoding"])
        if encoding:
            print(f"The CSV files begin with a UTF-16 byte-order mark: read as {encoding}.")
            extra_vars["retail_recs__csv_encoding"] = settings["retail_recs__csv_encoding"] = (
                encoding
            )
        result = run_dbt(args.command, args.data, args.db, extra_vars, extra_args=passthrough)
    except (FileNotFoundError, ValueError) as error:
        parser.exit(2, f"error: {error}\n")
    if not result.success:
        hint = encodings.decoding_hint(
            failure_text(result), settings, settings["retail_recs__csv_encoding"]
        )
        if hint:
            print(f"error: {hint}", file=sys.stderr)
    elif args.command in ("build", "run"):
        forget_erased_bytes(
            db_path, existed, target_path(passthrough), settings["retail_recs__memory_limit"]
        )
    return 0 if result.success else 1


def failure_text(result) -> str:
    """What a failed dbt invocation said: its exception and each failed node's message."""
    nodes = getattr(result.result, "results", None) or []
    return "\n".join([str(result.exception or ""), *(str(node.message or "") for node in nodes)])


def build_on_spark(parser, args, extra_vars: dict, passthrough: Sequence[str]) -> int:
    """``--engine spark``: the whole DAG in SQL and Python stages (dbt build has no --db there)."""
    from retail_recs import spark_build

    # The Python job's per-model lines (retail_recs.spark_python) between dbt's two steps.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("retail_recs").setLevel(logging.INFO)
    if args.command != "build" or args.db:
        parser.exit(2, "error: --engine spark runs `build` only, into RETAIL_RECS_SPARK_DIR\n")
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        parser.exit(
            2, "error: --engine spark needs pyspark and dbt-spark[session]: make install-spark\n"
        )
    try:
        return 0 if spark_build.build(args.data, extra_vars, passthrough) else 1
    except (FileNotFoundError, ValueError) as error:
        parser.exit(2, f"error: {error}\n")


def target_path(dbt_arguments: Sequence[str]) -> Path:
    """Where dbt wrote its artifacts: ``--target-path`` among the passed-through arguments,
    else the project's target/."""
    arguments = list(dbt_arguments)
    if "--target-path" in arguments[:-1]:
        return Path(arguments[arguments.index("--target-path") + 1])
    return PROJECT_DIR / "target"


def forget_erased_bytes(
    db_path: Path, existed: bool, target: Path, memory_limit: float | str | None = None
) -> None:
    """After a green build: rewrite the file when erasure requests changed since the last
    rewrite (retail_recs.compact), or only stamp a file this build created, which never held
    an erased row. The build's artifacts are touched after the rewrite: they still describe
    this database, which publish checks by modification time."""
    if not existed:
        compact.stamp(db_path)
    elif compact.needs_rewrite(db_path):
        compact.compact(db_path, memory_limit=memory_limit)
    else:
        return
    for artifact in (target / "run_results.json", target / "manifest.json"):
        if artifact.exists():
            os.utime(artifact)


if __name__ == "__main__":
    sys.exit(main())
