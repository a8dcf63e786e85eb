"""Conventions of the dbt project that DEVELOPERS.md states and a reviewer would otherwise
have to remember."""

from __future__ import annotations

import yaml

from retail_recs.project import PROJECT_DIR


def test_required_columns_are_one_columns_not_null_test_per_model():
    """DEVELOPERS.md: a model's (or seed's) required columns are one model-level
    columns_not_null test (one scan, one node), not a not_null per column; only a not_null
    with a `where` stays."""
    per_column, repeated = [], []
    for folder, key in (("models", "models"), ("seeds", "seeds")):
        for path in sorted((PROJECT_DIR / folder).rglob("*.yml")):
            for node in yaml.safe_load(path.read_text(encoding="utf-8")).get(key) or []:
                for column in node.get("columns") or []:
                    if "not_null" in (column.get("data_tests") or []):
                        per_column.append(f"{node['name']}.{column['name']}")
                tests = node.get("data_tests") or []
                if sum(isinstance(test, dict) and "columns_not_null" in test for test in tests) > 1:
                    repeated.append(node["name"])
    assert per_column == [] and repeated == []
