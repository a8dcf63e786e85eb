"""Which campaign each customer gets when campaigns compete for them: the greedy allocation of
retail_recs.allocation over the candidates that no rule of their own excludes
(int_campaign_candidates), under the campaigns' conflicts, max_recipients and budget. Sent
campaigns keep the members of their send and held_out events (stg_campaign_events).

Thin on purpose: the rule is retail_recs.allocation.
"""

from retail_recs import allocation


def model(dbt, session):
    dbt.config(materialized="table")
    campaigns = [
        allocation.Campaign(
            campaign_id=row["campaign_id"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            frequency_cap_days=int(row["frequency_cap_days"]),
            max_recipients=row["max_recipients"],
            budget=row["budget"],
        )
        for row in dbt.ref("campaigns").to_arrow_table().to_pylist()
    ]
    pairs = (
        dbt.ref("int_campaign_candidates")
        .filter("base_exclusion_reason is null")
        .order("campaign_id, user_id")
        .to_arrow_table()
    )
    # A member recorded in both groups was messaged: they count as treated.
    sent_members = (
        dbt.ref("stg_campaign_events")
        .filter("event_type in ('sent', 'held_out')")
        .aggregate(
            "campaign_id, user_id, case when bool_or(event_type = 'sent') then 'treatment'"
            " else 'control' end as experiment_group",
            "campaign_id, user_id",
        )
    )
    return allocation.allocate(campaigns, pairs, sent_members.to_arrow_table())
