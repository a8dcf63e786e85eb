"""How many past responses uplift targeting needs: the uplift learners on growing shares of
a warehouse's past experiments.

Usage: ``python -m retail_recs.bench_uplift [--db PATH] [--shares 0.25 0.5 1] [--planted]``

For each share of the members of ``int_uplift_training`` (a hash of campaign and customer,
so a smaller share is a subset of a larger one), each learner is cross-fitted as
uplift_model_metrics does and the figures are printed: members, Qini coefficient and the
observed uplift in the top 30% against everyone's. With ``--planted`` (the demo warehouse,
after ``make demo``), the learner fitted on that share also scores every customer, and the
ratio of the planted uplift (the simulator's ``customer_uplift``) in its top decile to its
bottom decile is printed: above 1 means it ranks the persuadable customers first.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence

import duckdb
import numpy as np

from retail_recs import segments, uplift
from retail_recs.demo_data.responses import customer_uplift, planted_uplift
from retail_recs.project import database_path, default_vars

TOP_SHARE = 0.3


def _planted_ratio(
    con: duckdb.DuckDBPyConnection, model: uplift.TwoModel, data: uplift.UpliftData
) -> float:
    """Planted uplift of the top decile over the bottom one, averaged over the campaigns."""
    customers = con.sql(
        "select s.*, coalesce(p.purchase_probability, 0) as purchase_probability"
        " from int_customer_snapshots s left join customer_propensity p using (user_id)"
        " where s.snapshot = 'scoring' order by s.user_id"
    ).to_arrow_table()
    X = segments.design_matrix(customers, data.feature_names)
    probability = customers.column("purchase_probability").to_numpy()
    campaigns = con.sql("select * from campaigns order by campaign_id").to_arrow_table()
    ratios = []
    for row in campaigns.to_pylist():
        offer = uplift.offer_matrix(
            campaigns.filter(campaigns.column("campaign_id").to_numpy() == row["campaign_id"])
        )
        _, _, lift = model.predict(np.column_stack([X, np.repeat(offer, len(X), axis=0)]))
        planted = customer_uplift(
            planted_uplift(row["offer_type"], row["offer_value"]), probability
        )
        decile = uplift.deciles(lift)
        ratios.append(planted[decile == 10].mean() / planted[decile == 1].mean())
    return float(np.mean(ratios))


def run(db_path: str, shares: Sequence[float], planted: bool) -> list[tuple]:
    """One row per share and learner: (share, members, learner, Qini, top-30% uplift,
    everyone's uplift, planted ratio or None)."""
    settings = default_vars()
    features = settings["retail_recs__propensity_features"]
    folds = int(settings["retail_recs__uplift_folds"])
    min_members = int(settings["retail_recs__uplift_min_group_members"])
    l2, seed = (
        float(settings["retail_recs__propensity_l2"]),
        int(settings["retail_recs__propensity_seed"]),
    )
    con = duckdb.connect(db_path, read_only=True)
    try:
        training = con.sql("select * from int_uplift_training").to_arrow_table()
        full = uplift.uplift_data(training, features)
        fraction = (
            np.array(
                [
                    int.from_bytes(hashlib.sha256(k.encode()).digest()[8:16], "big")
                    for k in full.keys
                ]
            )
            / 2.0**64
        )
        rows = []
        for share in shares:
            keep = fraction < share
            data = uplift.UpliftData(
                full.names,
                full.feature_names,
                full.X[keep],
                full.treated[keep],
                full.y[keep],
                [k for k, kept in zip(full.keys, keep, strict=True) if kept],
                full.campaigns,
                0,
            )
            everyone = uplift.top_share_uplift(np.zeros(len(data.y)), data.treated, data.y, 1.0)
            for learner in uplift.LEARNERS:
                fitted = uplift.cross_fitted(learner, data, folds, min_members, l2, seed)
                if fitted is None:
                    rows.append((share, len(data.y), learner, None, None, everyone, None))
                    continue
                _, lift = fitted
                ratio = None
                if planted:
                    model = uplift.fit_two_model(learner, data.X, data.treated, data.y, l2, seed)
                    ratio = _planted_ratio(con, model, data)
                rows.append(
                    (
                        share,
                        len(data.y),
                        learner,
                        uplift.qini_coefficient(lift, data.treated, data.y),
                        uplift.top_share_uplift(lift, data.treated, data.y, TOP_SHARE),
                        everyone,
                        ratio,
                    )
                )
        return rows
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(database_path()), help="the built warehouse")
    parser.add_argument("--shares", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    parser.add_argument("--planted", action="store_true", help="demo warehouse: planted ratio")
    args = parser.parse_args(argv)
    print("share  members  learner               qini     top30%  everyone  planted top/bottom")

    def fmt(value, pattern):
        return "—" if value is None else format(value, pattern)

    for share, members, learner, qini, top, everyone, ratio in run(
        args.db, args.shares, args.planted
    ):
        print(
            f"{share:5.2f}  {members:7,d}  {learner:20s}  {fmt(qini, '7.4f')}  {fmt(top, '+6.3f')}"
            f"  {fmt(everyone, '+8.3f')}  {fmt(ratio, '6.2f')}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
