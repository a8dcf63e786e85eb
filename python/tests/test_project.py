"""Tests of ``retail_recs.project.source_vars``: the dbt vars that point sources at files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retail_recs.build import dbt_args
from retail_recs.project import OPTIONAL_SOURCE_NAMES, SOURCE_NAMES, source_vars


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.parquet").write_bytes(b"")


def test_required_sources_point_at_resolved_files(tmp_path: Path) -> None:
    _touch(tmp_path, *SOURCE_NAMES)
    variables = source_vars(tmp_path)
    for name in SOURCE_NAMES:
        location = variables[f"retail_recs__{name}_location"]
        assert location == str((tmp_path / f"{name}.parquet").resolve())


def test_a_missing_required_source_is_an_error(tmp_path: Path) -> None:
    _touch(tmp_path, "items", "customers")
    with pytest.raises(FileNotFoundError, match=r"events\.parquet or events\.csv"):
        source_vars(tmp_path)


def test_optional_sources_are_null_without_a_file(tmp_path: Path) -> None:
    _touch(tmp_path, *SOURCE_NAMES)
    variables = source_vars(tmp_path)
    assert OPTIONAL_SOURCE_NAMES == ("items", "customers", "erasure_requests", "campaign_events")
    for name in OPTIONAL_SOURCE_NAMES:
        assert variables[f"retail_recs__{name}_location"] is None
    # JSON null on the dbt command line.
    args = dbt_args("build", tmp_path)
    passed = json.loads(args[args.index("--vars") + 1])
    assert passed["retail_recs__erasure_requests_location"] is None


def test_optional_sources_point_at_their_file_when_present(tmp_path: Path) -> None:
    _touch(tmp_path, *SOURCE_NAMES, "erasure_requests")
    variables = source_vars(tmp_path)
    expected = str((tmp_path / "erasure_requests.parquet").resolve())
    assert variables["retail_recs__erasure_requests_location"] == expected
    assert variables["retail_recs__campaign_events_location"] is None


def test_data_folder_vars_are_merged(tmp_path: Path) -> None:
    _touch(tmp_path, *SOURCE_NAMES, *OPTIONAL_SOURCE_NAMES)
    (tmp_path / "dbt_vars.json").write_text(json.dumps({"retail_recs__eval_protocol": "x"}))
    variables = source_vars(tmp_path)
    assert variables["retail_recs__eval_protocol"] == "x"
    assert all(variables[f"retail_recs__{n}_location"] for n in OPTIONAL_SOURCE_NAMES)


def test_sources_may_be_csv_under_any_extension(tmp_path: Path) -> None:
    for name, extension in zip(
        ("events", "items", "customers"), (".csv", ".txt", ".csv.gz"), strict=True
    ):
        (tmp_path / f"{name}{extension}").write_text("x\n")
    variables = source_vars(tmp_path)
    assert variables["retail_recs__items_location"] == str((tmp_path / "items.txt").resolve())


def test_two_files_for_one_source_are_an_error(tmp_path: Path) -> None:
    _touch(tmp_path, *SOURCE_NAMES)
    (tmp_path / "events.csv").write_text("x\n")
    with pytest.raises(ValueError, match=r"2 files for source 'events'"):
        source_vars(tmp_path)
