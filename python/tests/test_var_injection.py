"""Settings never become SQL: every var that ends up as a literal is validated against its form
or quoted with the adapter's escaping. A quote and a crafted union are fed through each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retail_recs.project import PROJECT_DIR

pytestmark = pytest.mark.slow

UNION = "') union all select * from read_csv('/etc/passwd') --"
DBT = str(Path(sys.executable).parent / "dbt")


def compile_model(model: str, variables: dict, tmp_path: Path) -> tuple[int, str, str]:
    """`dbt compile` of one model with ``variables``; exit code, output, compiled SQL."""
    target = tmp_path / "target"
    command = [DBT, "compile", "--project-dir", str(PROJECT_DIR)]
    command += ["--profiles-dir", str(PROJECT_DIR)]
    command += ["--select", model, "--vars", json.dumps(variables), "--target-path", str(target)]
    completed = subprocess.run(
        command,
        env={**os.environ, "RETAIL_RECS_DB": str(tmp_path / "w.duckdb")},
        capture_output=True,
        text=True,
    )
    compiled = list(target.rglob(f"{model}.sql"))
    sql = compiled[0].read_text() if compiled and completed.returncode == 0 else ""
    return completed.returncode, completed.stdout + completed.stderr, sql


@pytest.mark.parametrize(
    ("var", "model"),
    [
        ("retail_recs__as_of", "stg_events"),
        ("retail_recs__eval_cutoff", "eval_window"),
        ("retail_recs__min_event_date", "stg_events_checked"),
        ("retail_recs__max_quantity", "stg_events_checked"),
        ("retail_recs__fractional_quantities", "stg_events_checked"),
        ("retail_recs__eval_test_days", "eval_window"),
        ("retail_recs__eval_test_days_candidates", "eval_window"),
        ("retail_recs__csv_encoding", "base_events"),
        ("retail_recs__csv_delimiter", "base_events"),
        ("retail_recs__date_order", "stg_events_checked"),
        ("retail_recs__decimal_separator", "stg_items_checked"),
        ("retail_recs__column_names", "stg_events_checked"),
    ],
)
def test_a_crafted_value_is_refused_naming_the_var(var, model, tmp_path):
    variables = {var: "2024-01-01" + UNION}
    if var in ("retail_recs__csv_encoding", "retail_recs__csv_delimiter"):
        variables["retail_recs__events_location"] = str(tmp_path / "events.csv")
    code, output, _ = compile_model(model, variables, tmp_path)
    assert code != 0
    assert f"var {var} must be" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("var", "model", "value"),
    [
        ("retail_recs__events_location", "base_events", "/data/it's.parquet" + UNION + ".parquet"),
        ("retail_recs__category_separator", "int_item_given_categories", " > " + UNION),
    ],
)
def test_a_quote_in_text_stays_inside_its_literal(var, model, value, tmp_path):
    code, output, sql = compile_model(model, {var: value}, tmp_path)
    assert code == 0, output[-3000:]
    # DuckDB's escaping doubles the quote: the payload is one string literal, not SQL.
    assert value.replace("'", "''") in sql
    assert value not in sql
