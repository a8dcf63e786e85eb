"""Which uplift learner finds the customers a message persuades, judged on members of past
experiments it never saw: each learner of retail_recs.uplift.LEARNERS is cross-fitted over
var retail_recs__uplift_folds folds of int_uplift_training (a hash of campaign and
customer), and the members are ranked by its predicted uplift, by its predicted response
when treated (what propensity targeting does), and not at all (everyone). The learner with
the highest Qini coefficient of its uplift ranking is chosen; customer_uplift refits it on
every member. When past experiments cannot teach a model, one row says why.

Thin on purpose: the math is retail_recs.uplift.
"""

import numpy as np
import pyarrow as pa

from retail_recs import segments, uplift


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    min_members = int(dbt.config.get("min_group_members"))
    folds = int(dbt.config.get("folds"))
    top_share = float(dbt.config.get("top_share"))
    l2, seed = float(dbt.config.get("l2")), int(dbt.config.get("seed"))
    data = uplift.uplift_data(dbt.ref("int_uplift_training").to_arrow_table(), features)
    t, y = data.treated, data.y
    overall = uplift.top_share_uplift(np.zeros(len(t)), t, y, 1.0) if len(t) else None
    reason = uplift.insufficient_reason(t, y, min_members)
    rows = []  # (learner, rule, reason, top share uplift, qini)
    for learner in uplift.LEARNERS if reason is None else ():
        fitted = uplift.cross_fitted(learner, data, folds, min_members, l2, seed)
        if fitted is None:
            rows.append((learner, "uplift", "a fold's other members cannot teach it", None, None))
            continue
        p1, lift = fitted
        for rule, scores in (("uplift", lift), ("response", p1)):
            rows.append(
                (
                    learner,
                    rule,
                    None,
                    uplift.top_share_uplift(scores, t, y, top_share),
                    uplift.qini_coefficient(scores, t, y),
                )
            )
    # Targeting everyone is random order: its top share's expected uplift is the overall one.
    rows.append((None, "everyone", reason, overall, 0.0 if len(t) else None))
    scored = [r for r in rows if r[1] == "uplift" and r[4] is not None]
    # The best Qini wins; a tie goes to the simpler learner (the order of LEARNERS).
    chosen = max(scored, key=lambda r: r[4])[0] if scored else None
    count = len(rows)
    return pa.table(
        {
            "learner": pa.array([r[0] for r in rows], pa.string()),
            "targeting_rule": pa.array([r[1] for r in rows], pa.string()),
            "reason": pa.array([r[2] for r in rows], pa.string()),
            "is_chosen": pa.array([r[0] is not None and r[0] == chosen for r in rows]),
            "experiments": pa.array([len(data.campaigns)] * count, pa.int64()),
            "treated_members": pa.array([int((t == 1).sum())] * count, pa.int64()),
            "control_members": pa.array([int((t == 0).sum())] * count, pa.int64()),
            "contradictory_members": pa.array([data.contradictory] * count, pa.int64()),
            "folds": pa.array([folds] * count, pa.int64()),
            "observed_uplift": pa.array([overall] * count, pa.float64()),
            "top_share": pa.array([top_share] * count, pa.float64()),
            "top_share_observed_uplift": pa.array([r[3] for r in rows], pa.float64()),
            "qini_coefficient": pa.array([r[4] for r in rows], pa.float64()),
        }
    )
