"""Where the dbt project and its warehouse live, shared by every command-line helper."""

from __future__ import annotations

import json
import os
from pathlib import Path

# python/retail_recs/project.py -> repository root (the package is installed editable).
PROJECT_DIR = Path(os.environ.get("RETAIL_RECS_PROJECT_DIR", Path(__file__).resolve().parents[2]))
DEFAULT_DB = Path("warehouse/retail_recs.duckdb")
SOURCE_NAMES = ("events",)
# Sources a data folder may lack: no file means no rows (the var is null), not an error. A
# shop without a customer file (a marketplace's or a clickstream's export) still gets lists,
# segments and values for the customers of its events; only their contacts and consents are
# missing, and build_warnings says so. Without a catalogue, the catalogue is the items the
# events name, without names, categories or prices (macro catalogue_from_events).
OPTIONAL_SOURCE_NAMES = ("items", "customers", "erasure_requests", "campaign_events")
# A data folder may carry dbt vars of its own (e.g. its evaluation protocol) in this file.
DATA_VARS_FILE = "dbt_vars.json"


def default_vars() -> dict[str, object]:
    """The vars of dbt_project.yml: every setting's default."""
    import yaml

    config = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return config["vars"]


def database_path() -> Path:
    """The DuckDB file dbt builds: env RETAIL_RECS_DB, as profiles.yml reads it."""
    return Path(os.environ.get("RETAIL_RECS_DB", DEFAULT_DB))


def source_file(data_dir: Path, name: str) -> Path | None:
    """The file of source ``name`` in ``data_dir``: ``<name>.<any extension>`` (Parquet, or
    CSV as .csv/.tsv/.txt or JSON as .json/.jsonl/.ndjson, optionally gzipped; var
    retail_recs__source_format reads other names). None when there is none; an error when
    two files could be meant."""
    candidates = sorted(
        path
        for path in data_dir.glob(f"{name}.*")
        if path.is_file() and path.name != DATA_VARS_FILE
    )
    if len(candidates) > 1:
        raise ValueError(
            f"{data_dir} has {len(candidates)} files for source {name!r} "
            f"({', '.join(p.name for p in candidates)}): keep one"
        )
    return candidates[0] if candidates else None


def source_vars(data_dir: Path) -> dict[str, object]:
    """dbt vars that point the sources at the files of ``data_dir``.

    ``retail_recs__<name>_location`` is the resolved path of ``<data_dir>/<name>.<ext>`` (see
    ``source_file``) for the three required sources (a missing one is an error) and for each
    optional source whose file exists; an optional source without a file gets None (JSON
    null: no rows). The vars in ``<data_dir>/dbt_vars.json`` come first when the data set
    brings its own (Online Retail brings its evaluation protocol).

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder of contract files.

    Returns
    -------
    dict
        The vars, ready for ``dbt --vars``.
    """
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder {data_dir} does not exist")
    files = {name: source_file(data_dir, name) for name in (*SOURCE_NAMES, *OPTIONAL_SOURCE_NAMES)}
    missing = [name for name in SOURCE_NAMES if files[name] is None]
    if missing:
        raise FileNotFoundError(
            f"missing source file(s) in {data_dir}: "
            + ", ".join(f"{name}.parquet or {name}.csv" for name in missing)
            + " (README.md, 'The input contract')"
        )
    own_vars = data_dir / DATA_VARS_FILE
    locations = {
        f"retail_recs__{name}_location": str(path.resolve()) if path else None
        for name, path in files.items()
    }
    return {
        **(json.loads(own_vars.read_text(encoding="utf-8")) if own_vars.exists() else {}),
        **locations,
    }
