"""Reading and writing ``ground_truth.json``: what was planted, so tests can check recovery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

GROUND_TRUTH_FILE = "ground_truth.json"
# Persona per customer lives in its own Parquet file (it has one row per customer, too big
# for JSON at scale); ground_truth.json names it under "customer_personas".
PERSONAS_FILE = "customer_personas.parquet"


def write_ground_truth(path: Path, truth: dict[str, Any]) -> None:
    """Write ``truth`` as indented JSON (stable key order, so reruns give the same bytes)."""
    path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")


def load_ground_truth(path: str | Path, resolve_personas: bool = True) -> dict[str, Any]:
    """Load a ground truth written by ``generate``.

    Parameters
    ----------
    path : str or pathlib.Path
        ``ground_truth.json`` itself or the directory holding it.
    resolve_personas : bool
        Replace the ``customer_personas`` file name by a ``{user_id: persona}`` dict read from
        that file (next to the JSON). The file name stays under ``files``.

    Returns
    -------
    dict
        The ground truth.
    """
    path = Path(path)
    if path.is_dir():
        path = path / GROUND_TRUTH_FILE
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if resolve_personas and isinstance(truth.get("customer_personas"), str):
        table = pq.read_table(
            path.parent / truth["customer_personas"], columns=["user_id", "persona"]
        )
        truth["customer_personas"] = dict(
            zip(
                table.column("user_id").to_pylist(),
                table.column("persona").to_pylist(),
                strict=True,
            )
        )
    return truth
