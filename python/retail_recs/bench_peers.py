"""The project against the Python libraries a shop would otherwise glue together, on the
same interactions: Microsoft Recommenders' SAR against the co-occurrence -> similarity ->
item-CF chain, and implicit's ALS against the SVD factors and the scoring of every customer.

Usage::

    python -m retail_recs.bench --vs-peers [--events 1000000] [--rounds 3]

The peers are installed into their own virtual environment in the benchmark's work folder
(``peers-venv``), never into the project's: Recommenders without its dependencies (SAR needs
only numpy, pandas and scipy; the package's full list is 170 packages of notebooks and deep
learning), implicit with its own. Rounds are interleaved (project chain, SAR, project SVD,
ALS, then again), so a slow spell of the shared machine falls on both sides; the medians and
their ratios are printed. The project's time is the sum of its models' execution times from
run_results.json (dbt's start-up is left out, as the peers' imports are), each model run as
``dbt run`` runs it, two at a time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from retail_recs.build import dbt_args

# Pinned, so that a rerun measures the same code; recommenders is installed --no-deps, and
# its SAR (written for pandas 2) still calls np.NaN, which NumPy 2 removed. The interactions
# go over as CSV, so the peers need no Parquet reader (pyarrow wants NumPy 2).
PEER_PACKAGES = ("recommenders==1.2.1",)
PEER_PACKAGES_WITH_DEPS = ("implicit==0.7.3", "numpy<2", "pandas<3", "scipy")
# Each peer against the project's models that do the same work.
CHAINS = {
    "sar": (
        "int_cooccurrence_transactions",
        "int_item_pair_counts",
        "item_pairs",
        "item_similarity",
        "recommendations_item_cf",
    ),
    "als": ("int_svd_factors", "int_svd_candidates", "recommendations_svd"),
}
PROJECT_SIDE = {"sar": "co-occurrence -> similarity -> item-CF", "als": "SVD factors -> scoring"}
# The layers of retail_recs.bench that build what the chains read.
LAYERS_NEEDED = ["seeds", "staging", "interactions", "similarity+recs", "svd+ease"]
RUNNER = Path(__file__).with_name("peers_runner.py")


@dataclass(frozen=True)
class Comparison:
    peer: str
    project_seconds: list[float]
    peer_seconds: list[float]

    @property
    def ratio(self) -> float:
        """Median project time over median peer time (below 1: the project is faster)."""
        return statistics.median(self.project_seconds) / statistics.median(self.peer_seconds)


def peer_python(work_dir: Path) -> Path:
    """The peers' interpreter, creating their environment under ``work_dir`` on first use."""
    env_dir = work_dir / "peers-venv"
    python = env_dir / "bin" / "python"
    if not python.exists():
        venv.create(env_dir, with_pip=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *PEER_PACKAGES_WITH_DEPS], check=True)
        subprocess.run([*pip, "--no-deps", *PEER_PACKAGES], check=True)
    return python


def export_interactions(db_path: Path, out: Path) -> Path:
    """fct_interactions with a positive affinity (what both sides learn from) as CSV."""
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        con.execute(
            f"""
            copy (
                select user_id, item_id, affinity, last_interaction_at
                from fct_interactions
                where affinity > 0
                order by user_id, item_id
            ) to '{out}' (format csv, header true)
            """
        )
    return out


def project_seconds(chain: tuple[str, ...], data_dir: Path, db_path: Path) -> float:
    """Summed execution time of ``chain``'s models in one ``dbt run`` of them."""
    from retail_recs.bench import run_measured, run_results

    dbt = [str(Path(sys.executable).parent / "dbt")]
    env = {**os.environ, "RETAIL_RECS_DB": str(db_path)}
    run_measured(dbt + dbt_args("run", data_dir, extra_args=["--select", *chain]), env)
    return sum(result["execution_time"] for result in run_results()["results"])


def peer_seconds(python: Path, peer: str, interactions: Path, k: int, factors: int) -> float:
    """Fit plus recommend seconds of one run of ``peer`` in its own process."""
    command = [str(python), str(RUNNER), peer, str(interactions), "--k", str(k)]
    completed = subprocess.run(
        [*command, "--factors", str(factors)], check=True, capture_output=True, text=True
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return result["fit_seconds"] + result["recommend_seconds"]


def compare(
    data_dir: Path, db_path: Path, work_dir: Path, rounds: int, k: int, factors: int
) -> list[Comparison]:
    """Interleaved rounds of each peer and its project chain on ``db_path``'s interactions."""
    python = peer_python(work_dir)
    interactions = export_interactions(db_path, work_dir / "peer_interactions.csv")
    times: dict[str, tuple[list[float], list[float]]] = {peer: ([], []) for peer in CHAINS}
    for _ in range(rounds):
        for peer, chain in CHAINS.items():
            times[peer][0].append(project_seconds(chain, data_dir, db_path))
            times[peer][1].append(peer_seconds(python, peer, interactions, k, factors))
    return [Comparison(peer, *times[peer]) for peer in CHAINS]


def report(comparisons: list[Comparison], events: int) -> None:
    for comparison in comparisons:
        project = statistics.median(comparison.project_seconds)
        peer = statistics.median(comparison.peer_seconds)
        print(
            f"{events:>12,}  {PROJECT_SIDE[comparison.peer]:<40}{project:>7.1f} s"
            f"  {comparison.peer:<4}{peer:>7.1f} s  ratio {comparison.ratio:.2f}"
            f"  (rounds: {', '.join(f'{s:.1f}' for s in comparison.project_seconds)}"
            f" vs {', '.join(f'{s:.1f}' for s in comparison.peer_seconds)})"
        )
