"""Command line: ``python -m retail_recs.demo_data --out data/demo --seed 42``."""

from __future__ import annotations

import argparse
import logging
import sys

from .config import (
    DEFAULT_CUSTOMERS,
    DEFAULT_EVENTS,
    DEFAULT_ITEMS,
    DEFAULT_OUT,
    DEFAULT_SEED,
)
from .generator import generate


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the CLI."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_recs.demo_data",
        description="Write deterministic synthetic retail data (events, items, customers) "
        "with planted structure and defects, plus ground_truth.json.",
    )
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)"
    )
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help="distinct customers"
    )
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help="distinct catalogue items")
    parser.add_argument(
        "--events", type=int, default=DEFAULT_EVENTS, help="target event rows, all kinds (+-10%%)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (>= 0)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the generator and print a one-line summary."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        truth = generate(args.out, args.customers, args.items, args.events, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = truth["row_counts"]
    dirty = sum(truth["dirty_counts"].values()) - truth["dirty_counts"]["bot_user"]
    print(
        f"demo_data: wrote {counts['events']:,} events ({truth['events_clean']:,} clean, "
        f"{dirty:,} dirty, {truth['dirty_counts']['bot_user']:,} bot), "
        f"{counts['items']:,} item rows, {counts['customers']:,} customer rows "
        f"to {args.out} (seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
