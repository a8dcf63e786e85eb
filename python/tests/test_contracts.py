"""The BI-facing marts (what the exposures depend on) have enforced contracts, and a change
that would break a dashboard (a column's type or name) fails the build."""

from __future__ import annotations

import json
import shutil

import pytest

from retail_recs.build import _release_duckdb
from retail_recs.project import PROJECT_DIR, source_vars

pytestmark = pytest.mark.slow

PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def invoke(project_dir, args, db_path, variables):
    """dbt in this process on another copy of the project."""
    import os

    from dbt.cli.main import dbtRunner

    os.environ["RETAIL_RECS_DB"] = str(db_path)
    try:
        return dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--vars",
                json.dumps(variables),
            ]
        )
    finally:
        _release_duckdb()


@pytest.fixture()
def project_copy(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, copy / part)
        else:
            shutil.copy(source, copy / part)
    return copy


def test_every_exposed_model_has_an_enforced_contract(project_copy, tmp_path):
    result = invoke(
        project_copy,
        ["parse", "--target-path", str(tmp_path / "target")],
        tmp_path / "unused.duckdb",
        {},
    )
    assert result.success
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    exposed = {
        node
        for exposure in manifest["exposures"].values()
        for node in exposure["depends_on"]["nodes"]
    }
    assert len(exposed) >= 15
    enforced = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
    }
    assert exposed == enforced
    for uid in exposed:
        columns = manifest["nodes"][uid]["columns"]
        assert columns and all(column["data_type"] for column in columns.values()), uid


@pytest.mark.parametrize(
    ("model_file", "old", "new", "mismatch"),
    [
        (
            "marts/data_quality/data_quality_reconciliation.sql",
            "        source_rows.erased_rows,",
            "        cast(source_rows.erased_rows as varchar) as erased_rows,",
            "data type mismatch",
        ),
        (
            "marts/campaigns/campaign_audience_products.sql",
            "        products.item_name,",
            "        products.item_name as product_name,",
            "missing in definition",
        ),
    ],
)
def test_a_breaking_change_fails_the_build(
    project_copy, demo_warehouse, small_demo_data, tmp_path, model_file, old, new, mismatch
):
    model = project_copy / "models" / model_file
    text = model.read_text()
    assert old in text
    model.write_text(text.replace(old, new))
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, warehouse)
    name = model.stem
    result = invoke(
        project_copy,
        ["run", "--select", name, "--target-path", str(tmp_path / "target")],
        warehouse,
        source_vars(small_demo_data),
    )
    assert not result.success
    (failure,) = [r for r in result.result if r.status == "error"]
    assert "enforced contract" in failure.message and mismatch in failure.message, failure.message
