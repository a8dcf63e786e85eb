"""DuckDB's memory limit (var retail_recs__memory_limit, macros/memory_limit.sql): derived from
the machine, and a build that runs out of it says which var to raise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from retail_recs.build import dbt_args, run_dbt
from tests.conftest import WITHOUT_UNIT_TESTS, query

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).parent / "dbt")


def dbt_output(data_dir: Path, db_path: Path, memory_limit, *args: str) -> tuple[int, str]:
    """Run dbt in its own process (as a user would) and return its exit code and output;
    memory_limit None leaves var retail_recs__memory_limit at its default. The target and
    logs go beside the database, away from other test processes' (pytest-xdist)."""
    variables = {} if memory_limit is None else {"retail_recs__memory_limit": memory_limit}
    command = [DBT, *dbt_args(args[0], data_dir, variables)]
    command += ["--target-path", str(db_path.parent / "target")]
    command += ["--log-path", str(db_path.parent / "logs")]
    completed = subprocess.run(
        command + list(args[1:]),
        env={**os.environ, "RETAIL_RECS_DB": str(db_path)},
        capture_output=True,
        text=True,
    )
    return completed.returncode, completed.stdout + completed.stderr


def machine_gib() -> float:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30


def test_the_default_limit_is_half_of_this_machines_memory(small_demo_data, tmp_path):
    code, output = dbt_output(small_demo_data, tmp_path / "w.duckdb", 0.5, "seed")
    assert code == 0, output[-3000:]
    (limit_mib,) = re.findall(
        r"DuckDB memory limit (\d+) MiB: var retail_recs__memory_limit", output
    )
    # DuckDB's own default (80% of what it detects) is shown to one decimal of a GiB.
    assert int(limit_mib) / 1024 == pytest.approx(machine_gib() / 2, rel=0.01)


@pytest.mark.parametrize("bad", [0, 0.95, "lots", "8 apples", True])
def test_a_bad_memory_limit_names_the_var(small_demo_data, tmp_path, bad):
    code, output = dbt_output(small_demo_data, tmp_path / "w.duckdb", bad, "seed")
    assert code != 0
    assert "var retail_recs__memory_limit must be a share" in output
    assert "Traceback" not in output


def test_running_out_of_memory_names_the_var_to_raise(small_demo_data, tmp_path):
    """30 MB cannot hold the staging of 40,000 events: the build fails, and after DuckDB's
    own message comes one line that names the model and the var, not a stack trace."""
    code, output = dbt_output(
        small_demo_data, tmp_path / "w.duckdb", "30MB", "build", "--select", "+stg_events"
    )
    assert code != 0
    assert "Out of Memory Error" in output
    (line,) = [line for line in output.splitlines() if "ERROR: DuckDB ran out of memory" in line]
    assert "stg_events_checked" in line
    assert "Raise var retail_recs__memory_limit (now 30MB" in line
    assert "Traceback" not in output


def test_the_demo_builds_in_one_gigabyte_with_the_same_results(
    small_demo_data, demo_warehouse, tmp_path
):
    """The whole build (evaluation and data tests included) fits in 1 GB on the CI-sized demo, by
    spilling to disk rather than by computing anything differently."""
    db_path = tmp_path / "low_memory.duckdb"
    result = run_dbt(
        "build",
        small_demo_data,
        db_path,
        extra_vars={"retail_recs__memory_limit": "1GB"},
        extra_args=WITHOUT_UNIT_TESTS,
    )
    assert result.success, result.exception
    for table in ("recommendations", "recommendation_metrics", "customer_features"):
        low = rounded(query(db_path, f"select * from {table} order by all"))
        assert low and low == rounded(query(demo_warehouse, f"select * from {table} order by all"))


def rounded(rows: list[tuple]) -> list[tuple]:
    """Rows with floats to 9 decimals: parallel sums add in another order when DuckDB spills,
    which moves the last bits and nothing else."""
    return [
        tuple(round(value, 9) if isinstance(value, float) else value for value in row)
        for row in rows
    ]
