"""Print what a build produced: rows per key table, rejected rows by reason, the customer
clusters, how well the propensity model ranks, the offline evaluation of every recommender,
and each campaign's audience and measured uplift.

Usage: ``python -m retail_recs.summary [--db warehouse/retail_recs.duckdb]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from retail_recs.project import database_path
from retail_recs.salts import public_salts

KEY_TABLES = (
    "stg_events",
    "stg_items",
    "stg_customers",
    "fct_interactions",
    "fct_basket_items",
    "dim_items",
    "dim_customers",
    "item_pairs",
    "item_similarity",
    "association_rules",
    "recommendations_item_cf",
    "recommendations_user_cf",
    "recommendations_content",
    "recommendations_popularity",
    "recommendations_buy_again",
    "recommendations_svd",
    "recommendations",
    "customer_features",
    "customer_rfm",
    "customer_clusters",
    "customer_propensity",
    "campaign_audiences",
)


def summarize(db_path: Path) -> str:
    """The summary text for the warehouse at ``db_path`` (opened read-only)."""
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `make demo` first")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        lines = [f"Warehouse {db_path}", "", "Rows per key table:"]
        for table in KEY_TABLES:
            (count,) = con.execute(f"select count(*) from {table}").fetchall()[0]
            lines.append(f"  {table:<28}{count:>12,}")
        lines += ["", "Reconciliation (raw = accepted + duplicates + rejected + erased):"]
        for source, raw, accepted, dupes, rejected, erased, ok in con.execute(
            "select source_name, raw_rows, accepted_rows, duplicate_rows, rejected_rows,"
            " erased_rows, is_reconciled from data_quality_reconciliation order by source_name"
        ).fetchall():
            status = "ok" if ok else "MISMATCH"
            lines.append(
                f"  {source:<15} {raw:>11,} = {accepted:>11,} + {dupes:>7,} + {rejected:>7,}"
                f" + {erased:>5,}  {status}"
            )
        lines += [
            f"  {message}"
            for (message,) in con.execute(
                "select 'Build warning: ' || warning || ': ' || detail from build_warnings"
                " order by warning"
            ).fetchall()
        ]
        lines += ["", "Rejected rows by reason:"]
        for source, reason, count in con.execute(
            "select source_name, rejection_reason, rejected_rows from data_quality_rejections"
            " where rejected_rows > 0 order by source_name, precedence"
        ).fetchall():
            lines.append(f"  {source:<10} {reason:<24}{count:>10,}")
        lines += ["", "Customer clusters (k-means, cluster_profiles):"]
        for cluster_id, label, customers, share in con.execute(
            "select cluster_id, label, customer_count, customer_share from cluster_profiles"
            " order by cluster_id"
        ).fetchall():
            lines.append(f"  {cluster_id:>2}  {customers:>9,} ({share:6.1%})  {label}")
        lines += ["", "Purchase propensity (propensity_model_metrics):"]
        for split, customers, buyer_rate, auc in con.execute(
            "select split, customers, buyer_rate, auc from propensity_model_metrics order by split"
        ).fetchall():
            lines.append(
                f"  {split:<10} {customers:>9,} customers, {buyer_rate:6.1%} bought, AUC {auc:.3f}"
            )
        lines += ["", "Offline evaluation, NDCG@10 (recommendation_metrics):"]
        for protocol, ranking in con.execute(
            "select protocol, string_agg(algorithm || ' ' || printf('%.3f', ndcg), ', '"
            " order by ndcg desc, algorithm) from recommendation_metrics where k = 10"
            " group by protocol order by protocol"
        ).fetchall():
            lines.append(f"  {protocol:<16} {ranking}")
        lines += _campaign_lines(con)
        return "\n".join(lines)
    finally:
        con.close()


def _campaign_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Audience per campaign and, once responses are loaded, the measured conversion uplift."""
    lines = ["", "Campaigns (campaign_audiences, campaign_performance):"]
    for campaign, channel, treated, held_out, excluded, reasons in con.execute(
        "select campaign_id, any_value(channel),"
        " count(*) filter (where experiment_group = 'treatment'),"
        " count(*) filter (where experiment_group = 'control'),"
        " count(*) filter (where not is_eligible),"
        " string_agg(distinct exclusion_reason, ', ' order by exclusion_reason)"
        " from campaign_audiences group by campaign_id order by min(starts_on), campaign_id"
    ).fetchall():
        lines.append(
            f"  {campaign:<20} {channel:<5} {treated:>7,} treated {held_out:>6,} control"
            f" {excluded:>7,} excluded ({reasons or 'none'})"
        )
    for campaign, sent, uplift, low, high, p_value, revenue in con.execute(
        "select campaign_id, sent, conversion_uplift, conversion_uplift_ci_low,"
        " conversion_uplift_ci_high, p_value, incremental_revenue from campaign_performance"
        " where segment_type = 'all' and conversion_uplift_ci_low is not null"
        " order by campaign_id"
    ).fetchall():
        lines.append(
            f"  {campaign:<20} sent {sent:>6,}: conversion uplift {uplift:+.1%}"
            f" (95% CI {low:+.1%} to {high:+.1%}, p = {p_value:.3g}),"
            f" incremental revenue {revenue:,.0f}"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="default: RETAIL_RECS_DB")
    args = parser.parse_args(argv)
    print(summarize(args.db or database_path()))
    unset = public_salts()
    if unset:
        print(
            f"\nWARNING: {' and '.join(unset)} not set: contact hashes and coupon codes use "
            "public demo salts, so anyone can recompute them. Set them for real customers."
        )


if __name__ == "__main__":
    main()
