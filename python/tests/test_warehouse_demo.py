"""End-to-end: `dbt build` on generated demo data recovers exactly what the generator planted."""

from __future__ import annotations

import shutil

import pytest
import yaml

from retail_recs.build import run_dbt
from retail_recs.project import PROJECT_DIR
from retail_recs.summary import summarize

from .conftest import WITHOUT_UNIT_TESTS, query

pytestmark = pytest.mark.slow


def rejected_by_reason(db_path, source_name: str) -> dict[str, int]:
    return dict(
        query(
            db_path,
            "select rejection_reason, rejected_rows from data_quality_rejections "
            f"where source_name = '{source_name}'",
        )
    )


def test_every_planted_dirty_event_is_caught_by_its_own_rule(demo_warehouse, ground_truth):
    rejected = rejected_by_reason(demo_warehouse, "events")
    for reason, planted in ground_truth["dirty_counts"].items():
        assert rejected[reason] == planted, reason
    assert sum(rejected.values()) == sum(ground_truth["dirty_counts"].values())


def test_valid_messiness_is_accepted(demo_warehouse, ground_truth):
    (accepted,) = query(demo_warehouse, "select count(*) from stg_events")[0]
    # Erased customers' events are clean ones (the generator picks untouched customers).
    assert accepted == ground_truth["events_clean"] - ground_truth["erasure_requests"]["event_rows"]
    (guests,) = query(demo_warehouse, "select count(*) from stg_events where is_guest")[0]
    assert guests == ground_truth["valid_messiness"]["guest_checkout_rows"]


def test_catalogue_and_customer_rows_reconcile_with_the_generator(
    demo_warehouse, ground_truth, campaign_truth
):
    items = rejected_by_reason(demo_warehouse, "items")
    for reason, planted in ground_truth["items_dirty"].items():
        assert items[reason] == planted, reason
    customers = rejected_by_reason(demo_warehouse, "customers")
    for reason, planted in ground_truth["customers_dirty"].items():
        assert customers[reason] == planted, reason
    raw = dict(
        query(demo_warehouse, "select source_name, raw_rows from data_quality_reconciliation")
    )
    assert raw == {**ground_truth["row_counts"], "campaign_events": campaign_truth["rows"]}
    erased = dict(
        query(demo_warehouse, "select source_name, erased_rows from data_quality_reconciliation")
    )
    requests = ground_truth["erasure_requests"]
    assert erased == {
        "events": requests["event_rows"],
        "customers": requests["customer_rows"],
        "items": 0,
        "campaign_events": 0,
    }
    assert query(
        demo_warehouse, "select count(*) from data_quality_reconciliation where not is_reconciled"
    ) == [(0,)]


def test_event_timestamps_with_offsets_are_converted_to_utc(small_demo_data, demo_warehouse):
    raw = query(
        demo_warehouse,
        "select raw_event_at, event_at from stg_events_checked "
        "where raw_event_at like '%T%+01:00' and rejection_reason is null limit 5",
    )
    for text, parsed in raw:
        local_hour = int(text[11:13])
        assert parsed.hour == (local_hour - 1) % 24


# Email- and phone-shaped text, as DuckDB regular expressions over whole columns.
EMAIL_SHAPED = r"regexp_matches({column}, '[^@\s]+@[^@\s]+\.[A-Za-z]{{2,}}')"
# A date or timestamp ('2024-03-01', '01/03/2024 10:00') is digits and separators too, not a
# phone, and neither is a decimal number ('1000000.0', a setting in retail_recs_build_rules).
PHONE_SHAPED = (
    r"(regexp_full_match({column}, '\+?[0-9\s().-]{{7,20}}')"
    r" and length(regexp_replace({column}, '[^0-9]', '', 'g')) >= 7"
    r" and not regexp_full_match({column},"
    r" '[0-9]{{1,4}}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,4}}([ T].*)?')"
    r" and not regexp_full_match({column}, '-?[0-9]+\.[0-9]+'))"
)


def test_no_raw_contact_detail_outside_the_pii_schema(demo_warehouse):
    """Every row of every text column of every table and view outside the pii schema."""
    columns = query(
        demo_warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema <> 'pii'",
    )
    assert len({table for _, table, _ in columns}) > 50
    for schema, table, column in columns:
        quoted = f'"{column}"'
        condition = f"{EMAIL_SHAPED.format(column=quoted)} or {PHONE_SHAPED.format(column=quoted)}"
        leaked = query(
            demo_warehouse,
            f'select {quoted} from "{schema}"."{table}" where {condition} limit 3',
        )
        assert not leaked, (schema, table, column, leaked)
    contacts = "select count(*) from pii.pii_customer_contacts where "
    (stored,) = query(demo_warehouse, contacts + EMAIL_SHAPED.format(column="email"))[0]
    (phones,) = query(demo_warehouse, contacts + PHONE_SHAPED.format(column="phone"))[0]
    assert stored > 0 and phones > 0, "the scan's patterns must match the real contacts"


def test_summary_reports_tables_and_reasons(demo_warehouse):
    text = summarize(demo_warehouse)
    assert "fct_interactions" in text
    assert "MISMATCH" not in text
    assert "exact_duplicate" in text


def test_a_rebuild_gives_identical_tables(small_demo_data, demo_warehouse, tmp_path):
    rebuilt = tmp_path / "rebuilt.duckdb"
    assert run_dbt("build", small_demo_data, rebuilt, extra_args=WITHOUT_UNIT_TESTS).success
    for table in (
        "fct_interactions",
        "fct_basket_items",
        "dim_items",
        "dim_customers",
        "item_similarity",
        "item_centrality",
        "svd_item_factors",
        "recommendations_svd",
        "item_similarity_svd",
        "recommendations",
        "recommendations_ease",
        "int_ranker_scores",
        "recommendations_ranker",
        "recommendations_new_items",
        "ranker_training_summary",
        "ranker_feature_importance",
        "recommendation_metrics",
        "recommendation_strategy",
        "recommendation_metrics_by_segment",
        "customer_features",
        "customer_rfm",
        "customer_clusters",
        "cluster_profiles",
        "propensity_coefficients",
        "propensity_model_selection",
        "customer_propensity",
        "clv_model_metrics",
        "value_criteria_weights",
        "customer_value",
        "campaign_audiences",
        "campaign_audience_products",
        "campaign_performance",
    ):
        # refreshed_at stamps the run that wrote a row of an incremental model.
        everything = f"select columns(lambda c: c <> 'refreshed_at') from {table} order by all"
        first, second = query(demo_warehouse, everything), query(rebuilt, everything)
        assert len(first) == len(second), table
        for row_first, row_second in zip(first, second, strict=True):
            for a, b in zip(row_first, row_second, strict=True):
                # Parallel float sums may differ in the last bit; all else must be equal.
                assert a == (pytest.approx(b, rel=1e-12) if isinstance(b, float) else b), table


# Each tampering, the data test that must catch it, and what to test: the tampered table's
# tests (and a singular test that reads it through a view), not all of them, which would
# cost the whole `dbt test` per case.
@pytest.mark.parametrize(
    ("tampering", "failing_test", "selection"),
    [
        (
            "update dim_items set item_index = item_index + 1 where item_index = 3",
            "dense_index",
            ["dim_items"],
        ),
        (
            "delete from stg_events_checked where rowid = 0",
            "assert_sources_reconcile",
            ["stg_events", "assert_sources_reconcile"],
        ),
        (
            "update fct_interactions set purchase_count = 0 where purchase_count > 0",
            "expression_is_true",
            ["fct_interactions"],
        ),
        (
            "insert into dim_customers select * from dim_customers limit 1",
            "unique",
            ["dim_customers"],
        ),
        (
            # Recommend to someone an item they bought that is not repeatable.
            "insert into recommendations_item_cf select f.user_id, f.item_id, 1.0, 99, 'item_cf' "
            "from fct_interactions f join dim_items i using (item_id) "
            "where f.has_purchased and not i.is_repeatable limit 1",
            "follows_recommendation_rules",
            ["recommendations_item_cf"],
        ),
        (
            "update recommendations_buy_again set rank = rank + 1 where rank = 2",
            "contiguous_ranks",
            ["recommendations_buy_again"],
        ),
        ("delete from customer_rfm where rowid = 0", "row_count_matches_model", ["customer_rfm"]),
        (
            "update fct_interactions set affinity = null where rowid = 0",
            "columns_not_null",
            ["fct_interactions"],
        ),
    ],
)
def test_data_tests_fail_on_broken_data(
    demo_warehouse, small_demo_data, tmp_path, tampering, failing_test, selection
):
    import duckdb

    broken = tmp_path / "broken.duckdb"
    shutil.copy(demo_warehouse, broken)
    con = duckdb.connect(str(broken))
    con.execute(tampering)
    con.close()
    result = run_dbt(
        "test",
        small_demo_data,
        broken,
        extra_args=["--select", *selection, *WITHOUT_UNIT_TESTS],
    )
    assert not result.success
    failed = {r.node.name for r in result.result if r.status in ("fail", "error")}
    assert any(name.startswith(failing_test) for name in failed), failed


def settings_a_shop_might_choose() -> dict:
    """Every numeric setting moved to a third of its default (shares and rates up by half),
    and the text rules set the other way: a shop's own choices, which its `dbt build` hands to
    the project's unit tests too."""
    defaults = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    chosen = {}
    for name, default in defaults.items():
        if isinstance(default, bool):
            continue
        if isinstance(default, int):
            chosen[name] = max(2, default // 3) if default > 1 else default
        elif isinstance(default, float):
            chosen[name] = default * 1.5 if default < 0.6 else default / 3
    return {
        **chosen,
        "retail_recs__max_quantity": 2,
        "retail_recs__max_unit_price": 2,
        "retail_recs__min_event_date": "2024-06-01",
        "retail_recs__fractional_quantities": "one_unit",
        "retail_recs__default_event_type": "purchase",
        "retail_recs__date_order": "day_first",
        "retail_recs__decimal_separator": "comma",
        "retail_recs__as_of": "2024-03-01",
        "retail_recs__category_separator": "|",
        "retail_recs__similarity_measure": "cosine",
        "retail_recs__eval_test_days": 45,
        "retail_recs__eval_k_values": [3],
    }


def test_a_shops_own_settings_never_fail_the_unit_tests(small_demo_data, demo_warehouse, tmp_path):
    """Unit tests run inside a shop's `dbt build` with the shop's vars, and a failing one skips
    its model and everything after it. So each unit test pins the settings its expected rows
    assume, and none fails under settings far from the defaults."""
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, db_path)
    result = run_dbt(
        "test",
        small_demo_data,
        db_path,
        extra_vars=settings_a_shop_might_choose(),
        extra_args=["--select", "test_type:unit"],
    )
    failed = [r.node.name for r in result.result if r.status in ("fail", "error")]
    assert result.success and not failed, failed or result.exception
    assert len(result.result) >= 60
