"""The whole DAG on Apache Spark, in alternating SQL and Python stages.

Usage::

    python -m retail_recs.build --engine spark --data data/demo

dbt-spark builds the SQL models but runs Python models only on Databricks, so the build is:

1. ``dbt build`` (models, seeds, unit tests) of every SQL node that no Python model feeds;
2. the Python models those feed, as a PySpark job (retail_recs.spark_python);
3. ``dbt build`` of the SQL nodes that only those feed, then the next Python models, and so
   on (spark_python.build_stages: SVD and EASE, then the ranker that reads their lists);
4. ``dbt test`` of every data test, once every table exists.

All stages share one in-process Spark session, opened by dbt from the profile's ``spark``
target (profiles.yml): tables and the Derby metastore live under RETAIL_RECS_SPARK_DIR
(default warehouse/spark).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

from retail_recs import salts, spark_python

logger = logging.getLogger(__name__)
TARGET = "spark"
DEFAULT_DIR = Path("warehouse/spark")
# dbt selection belongs to the stages; a partial build would skip the Python job's inputs.
_SELECTION_FLAGS = ("--select", "-s", "--exclude", "--selector", "--models", "-m")


def spark_dir() -> Path:
    """Where the Spark tables and metastore live: env RETAIL_RECS_SPARK_DIR, made absolute
    (a relative warehouse path would resolve against each process's working directory)."""
    directory = Path(os.environ.get("RETAIL_RECS_SPARK_DIR", DEFAULT_DIR)).resolve()
    os.environ["RETAIL_RECS_SPARK_DIR"] = str(directory)
    return directory


def invoke(command: str, data_dir: Path | None, variables: dict, extra_args: Sequence[str] = ()):
    """One dbt invocation on the spark target, in this process (the session is shared)."""
    from dbt.cli.main import dbtRunner

    from retail_recs.build import dbt_args

    spark_dir().mkdir(parents=True, exist_ok=True)
    return dbtRunner().invoke(
        dbt_args(command, data_dir, variables, ["--target", TARGET, *extra_args])
    )


def parse(data_dir: Path | None, variables: dict) -> dict:
    """dbt's manifest for the spark target (Python model configs included)."""
    result = invoke("parse", data_dir, variables)
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return result.result.writable_manifest().to_dict()


def session():
    """The profile's Spark session: ``dbt debug --connection`` opens it with the profile's
    settings, and it stays this process's session."""
    from pyspark.sql import SparkSession

    if SparkSession.getActiveSession() is None:
        result = invoke("debug", None, {}, ["--connection"])
        if not result.success:
            raise RuntimeError("dbt debug --connection could not open the Spark session")
        # dbt asks the builder for the session on every statement, and Spark warns each time
        # that static settings no longer apply: keep the log to errors. dbt reports a failed
        # statement itself; PySpark would also log its whole JVM stack trace.
        SparkSession.builder.getOrCreate().sparkContext.setLogLevel("ERROR")
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        set_salts(SparkSession.builder.getOrCreate())
    return SparkSession.builder.getOrCreate()


def set_salts(spark) -> None:
    """The salts as session variables (macro spark__salt_sql reads them), bound as query
    parameters: no SQL text, log or file under target/ holds them."""
    unset = salts.public_salts()
    if unset:
        logger.warning(salts.PUBLIC_SALT_WARNING, " and ".join(unset))
    for name, value in salts.salt_values().items():
        spark.sql(f"declare or replace variable {name} string")
        spark.sql(f"set var {name} = :value", args={"value": value})


def build(
    data_dir: Path | None,
    variables: dict,
    extra_args: Sequence[str] = (),
    data_tests: bool = True,
) -> bool:
    """The stages, then the data tests; False as soon as one fails (dbt has printed why).
    Without ``data_tests`` only models, seeds and unit tests run (the equality step compares
    the tables instead, which the data tests are functions of)."""
    chosen = [argument for argument in extra_args if argument in _SELECTION_FLAGS]
    if chosen:
        raise ValueError(
            f"--engine spark builds the whole DAG; {', '.join(chosen)} is not supported there"
        )
    manifest = parse(data_dir, variables)
    session()
    for number, (kind, names) in enumerate(spark_python.build_stages(manifest), start=1):
        started = time.perf_counter()
        if kind == "python":
            spark_python.run(session(), manifest, names)
        else:
            selection = ["--select", *names, "--exclude", "test_type:data"]
            if not invoke("build", data_dir, variables, [*extra_args, *selection]).success:
                return False
        logger.info(
            "spark_build: stage %d (%s, %d nodes) in %.0f s",
            number,
            kind,
            len(names),
            time.perf_counter() - started,
        )
    if not data_tests:
        return True
    started = time.perf_counter()
    passed = invoke("test", data_dir, variables, ["--select", "test_type:data"]).success
    logger.info("spark_build: data tests in %.0f s", time.perf_counter() - started)
    return passed
