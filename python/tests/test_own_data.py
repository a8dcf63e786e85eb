"""A new user's own shop: a folder of CSV files built with the README's one command, with the
damaged values real exports contain, and the degenerate shapes a small shop has. Each case
ends in quarantine with its reason (and counts that reconcile), in a build that passes, or in
one clear error line naming the file, column or var; never in a stack trace."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from retail_recs.project import PROJECT_DIR, source_vars
from tests.conftest import WITHOUT_UNIT_TESTS, query

pytestmark = pytest.mark.slow

CUSTOMERS, ITEMS, DAYS = 40, 30, 120
START = datetime(2024, 1, 1)

# (event_id, column changes, the reason staging must give): one damaged copy of a clean
# purchase per kind of damage the README's Data quality section names.
DAMAGED_PURCHASES = (
    ("bad-qty-huge", {"quantity": "1e9"}, "quantity_above_max"),
    ("bad-qty-frac", {"quantity": "3.5"}, "non_integer_quantity"),
    ("bad-qty-text", {"quantity": "three"}, "unparseable_quantity"),
    ("bad-price-nan", {"unit_price": "NaN"}, "non_finite_number"),
    ("bad-price-inf", {"unit_price": "inf"}, "non_finite_number"),
    ("bad-price-decimal-comma", {"unit_price": "24,00"}, "unparseable_price"),
    ("bad-price-ragged-groups", {"unit_price": "1,23,4.5"}, "unparseable_price"),
    ("bad-price-huge", {"unit_price": "5e7"}, "price_above_max"),
    ("bad-date-1900", {"event_at": "1900-01-01 00:00:00"}, "timestamp_before_min_date"),
)
# (event_id, unit_price as written, as read): prices in an export whose other prices write a
# decimal point, so a comma groups thousands and '24,00' above is no number.
READABLE_PRICES = (
    ("price-thousands", "1,234.50", 1234.5),
    ("price-pound", "£24.00", 24.0),
    ("price-euro-spaced", "€ 3.5", 3.5),
)
BLANK_ROWS = 3
# A value that opens with a quote its line does not close (an inch mark, a quoted word): the
# reader takes the next lines, whole records, into that value up to the next quote.
UNCLOSED_QUOTE_LINES = (
    'quote-1,C001,I001,view,2024-02-01 10:00:00,"S1,,,,web\n',
    "swallowed-1,C001,I001,view,2024-02-01 10:01:00,S1,,,,web\n",
    "swallowed-2,C001,I001,view,2024-02-01 10:02:00,S1,,,,web\n",
    'swallowed-3,C001,I001,view,2024-02-01 10:03:00,S1",,,,web\n',
)
# Header lines repeated inside each file, as `cat` of monthly exports leaves them: the names
# as written, and (events) as another export spells them, after a byte-order mark.
REPEATED_HEADERS = {
    "events.csv": (
        lambda fields: fields,
        lambda fields: ["\ufeff" + field.replace("_", " ").title() for field in fields],
    ),
    "items.csv": (lambda fields: fields,),
    "customers.csv": (lambda fields: fields,),
}
EVENT_COLUMNS = (
    "event_id",
    "user_id",
    "item_id",
    "event_type",
    "event_at",
    "session_id",
    "order_id",
    "quantity",
    "unit_price",
    "channel",
)


def write_csv(path: Path, header: tuple[str, ...], rows: list[dict], encoding="utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def tiny_shop(folder: Path, *, customers=CUSTOMERS, views_only=False, active=True) -> Path:
    """A hand-sized shop as CSV: each customer views items and buys some of them in orders
    spread over DAYS days (deterministic)."""
    rng = np.random.default_rng(3)
    folder.mkdir(parents=True, exist_ok=True)
    items = [
        {
            "item_id": f"I{i:03d}",
            "name": f"Item {i}",
            "category": ["Home > Kitchen", "Garden > Tools", "Toys"][i % 3],
            "price": f"{5 + i:.2f}",
            "is_active": "true" if active else "false",
        }
        for i in range(ITEMS)
    ]
    people = [
        {"user_id": f"C{u:03d}", "email": f"c{u}@example.com", "country": "UK"}
        for u in range(customers)
    ]
    events = []
    for u in range(customers):
        for order in range(int(rng.integers(2, 6))):
            at = START + timedelta(days=float(rng.uniform(0, DAYS)))
            basket = rng.choice(ITEMS, size=int(rng.integers(1, 4)), replace=False)
            for position, i in enumerate(basket):
                common = {
                    "user_id": f"C{u:03d}",
                    "item_id": f"I{i:03d}",
                    "session_id": f"S{u}-{order}",
                    "channel": "web",
                }
                events.append(
                    {
                        **common,
                        "event_id": f"v{u}-{order}-{position}",
                        "event_type": "view",
                        "event_at": at.isoformat(sep=" ", timespec="seconds"),
                    }
                )
                if not views_only:
                    events.append(
                        {
                            **common,
                            "event_id": f"p{u}-{order}-{position}",
                            "event_type": "purchase",
                            "event_at": (at + timedelta(minutes=5)).isoformat(
                                sep=" ", timespec="seconds"
                            ),
                            "order_id": f"O{u}-{order}",
                            "quantity": str(int(rng.integers(1, 4))),
                            "unit_price": items[i]["price"],
                        }
                    )
    write_csv(folder / "items.csv", ("item_id", "name", "category", "price", "is_active"), items)
    write_csv(folder / "customers.csv", ("user_id", "email", "country"), people)
    write_csv(folder / "events.csv", EVENT_COLUMNS, events)
    return folder


# Secrets the damaged shop is built with: no file under target/ or logs/ may hold them.
SALTS = {
    "RETAIL_RECS_PII_SALT": "pii-salt-5f2c9e41-never-on-disk",
    "RETAIL_RECS_COUPON_SALT": "coupon-salt-8d07b3aa-never-on-disk",
}


def build(data_dir: Path, db_path: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    """The README's own-data command, in its own process and an empty working directory
    (nothing of the demo around). dbt's target and logs go beside the database, so that
    builds on pytest-xdist's other process never share the project's. The unit tests run
    elsewhere (WITHOUT_UNIT_TESTS)."""
    workdir = db_path.parent / "cwd"
    workdir.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "retail_recs.build", "--data", str(data_dir)]
    own = ["--target-path", str(db_path.parent / "target")]
    own += ["--log-path", str(db_path.parent / "logs"), *WITHOUT_UNIT_TESTS]
    passed = [*args, *own] if "--" in args else [*args, "--", *own]
    return subprocess.run(
        [*command, "--db", str(db_path), *passed],
        cwd=workdir,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        capture_output=True,
        text=True,
    )


def build_models(
    data_dir: Path, db_path: Path, *models: str, options=()
) -> subprocess.CompletedProcess:
    """The README's own-data command for ``models`` and what they read, without the data
    tests (nor, as every build here, the unit tests): the staging cases need no more."""
    return build(
        data_dir,
        db_path,
        *options,
        "--",
        "--select",
        *models,
        "--exclude-resource-type",
        "test",
    )


def files_holding(folder: Path, secrets) -> list[str]:
    """Files under ``folder`` whose bytes contain any of ``secrets``."""
    needles = [secret.encode() for secret in secrets]
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


def assert_no_stack_trace(completed: subprocess.CompletedProcess) -> None:
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output, output[-4000:]


# Session-wide, as the tests of this file are scheduled one by one (conftest.py); a test that
# builds into the warehouse copies it first.
@pytest.fixture(scope="session")
def damaged_shop(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny shop plus one damaged copy of a clean purchase per kind of damage, copies whose
    prices carry a currency symbol or thousands commas, an event whose customer id differs
    from the customer file's only in case, the empty rows a spreadsheet leaves at the end
    (lines of commas), a quote left open over the lines after it, and header lines repeated
    inside the files (exports concatenated with their headers)."""
    folder = tiny_shop(tmp_path_factory.mktemp("shop"))
    for name, headers in REPEATED_HEADERS.items():
        with (folder / name).open(newline="") as handle:
            reader = csv.DictReader(handle)
            fields, kept = tuple(reader.fieldnames), list(reader)
        for written in headers:
            kept.insert(len(kept) // 2, dict(zip(fields, written(fields), strict=True)))
        write_csv(folder / name, fields, kept)
    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    purchase = next(row for row in rows if row["event_type"] == "purchase")
    for event_id, changes, _ in DAMAGED_PURCHASES:
        rows.append({**purchase, **changes, "event_id": event_id})
    for event_id, written, _ in READABLE_PRICES:
        rows.append({**purchase, "unit_price": written, "event_id": event_id})
    rows.append({**purchase, "event_id": "lower-case-customer", "user_id": "c001"})
    rows += [{}] * BLANK_ROWS
    write_csv(folder / "events.csv", EVENT_COLUMNS, rows)
    with (folder / "events.csv").open("a", newline="") as handle:
        handle.writelines(UNCLOSED_QUOTE_LINES)
    db_path = tmp_path_factory.mktemp("shop_db") / "shop.duckdb"
    completed = build(folder, db_path, env=SALTS)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    return folder, db_path


def test_salts_reach_no_file_under_target_or_logs(damaged_shop, tmp_path):
    """The salts are bound at run time (retail_recs.duckdb_secrets): the compiled SQL, the
    artifacts, the docs site and the logs never hold them, yet the hashes use them."""
    folder, db_path = damaged_shop
    docs = tmp_path / "docs"
    command = [str(Path(sys.executable).parent / "dbt"), "docs", "generate"]
    command += ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    command += ["--vars", json.dumps(source_vars(folder))]
    generated = subprocess.run(
        [*command, "--target-path", str(docs)],
        env={**os.environ, **SALTS, "RETAIL_RECS_DB": str(db_path)},
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stdout[-3000:]
    built = db_path.parent
    for folder in (built / "target", built / "logs", PROJECT_DIR / "logs", docs):
        assert files_holding(folder, SALTS.values()) == [], folder
    email = "c0@example.com"
    expected = hashlib.sha256((SALTS["RETAIL_RECS_PII_SALT"] + email).encode()).hexdigest()
    assert query(db_path, "select email_sha256 from dim_customers where user_id = 'C000'") == [
        (expected,)
    ]


def test_a_csv_shop_builds_with_the_readme_command(damaged_shop):
    _, db_path = damaged_shop
    ((customers, listed),) = query(
        db_path,
        "select (select count(*) from dim_customers where has_profile),"
        " (select count(distinct user_id) from recommendations)",
    )
    assert customers == CUSTOMERS
    assert listed >= CUSTOMERS


def test_a_shop_too_small_to_evaluate_keeps_the_blend_and_says_why(damaged_shop):
    """40 customers cannot tell the strategies apart, the learned ranker among them (fewer
    evaluated customers than retail_recs__strategy_min_customers): recommendations serves
    the blend, and the strategy table says why."""
    _, db_path = damaged_shop
    rows = query(
        db_path,
        "select protocol, strategy, caps_categories, evaluated_customers, reason"
        " from recommendation_strategy order by protocol",
    )
    assert [row[0] for row in rows] == ["new_items", "repeats_allowed"]
    for _, strategy, caps_categories, evaluated, reason in rows:
        assert (strategy, caps_categories) == ("hybrid", True)
        assert evaluated < 100
        assert reason.startswith("Too little history to choose")
        assert "retail_recs__strategy_min_customers" in reason
    warnings = {row[0] for row in query(db_path, "select warning from build_warnings")}
    assert "strategy_untested" in warnings, warnings
    # The learned ranker was built and evaluated too (whatever it learned from 40 customers),
    # and is not served: the blend is.
    summary = query(db_path, "select model_name, protocol, status from ranker_training_summary")
    assert len(summary) == 4
    served = "select count(*) from recommendations where contributing_algorithms like '%ranker%'"
    assert query(db_path, served) == [(0,)]


def test_each_damaged_value_is_quarantined_with_its_reason(damaged_shop):
    _, db_path = damaged_shop
    reasons = dict(query(db_path, "select event_id, rejection_reason from stg_events_quarantine"))
    for event_id, _, reason in DAMAGED_PURCHASES:
        assert reasons.get(event_id) == reason, event_id
    # Empty rows are named as such, not as a missing id and copies of it.
    blank = "select rejection_reason, count(*) from stg_events_quarantine where event_id is null"
    assert query(db_path, blank + " group by rejection_reason") == [("blank_row", BLANK_ROWS)]
    (reconciled,) = query(
        db_path, "select bool_and(is_reconciled) from data_quality_reconciliation"
    )
    assert reconciled == (True,)
    # The fractional quantity (3.5) is named in build_warnings with the var that keeps such
    # lines in a shop that sells by weight.
    ((detail,),) = query(
        db_path,
        "select detail from build_warnings where warning = 'fractional_quantities_quarantined'",
    )
    assert detail.startswith("1 event row(s) have a fractional quantity"), detail
    assert "retail_recs__fractional_quantities" in detail, detail


def test_records_an_unclosed_quote_read_into_one_value_are_quarantined_and_named(damaged_shop):
    """The three records after the open quote are one value of the row that opened it (CSV's
    rule, which DuckDB's reader follows): that row is quarantined as unclosed_quote, before
    the rules its shifted fields would break, and build_warnings names it, so the records
    inside are not lost without a word. Before, the row was accepted as a view whose session
    id was the three records, and three events were in no count."""
    _, db_path = damaged_shop
    ((reason, session_text),) = query(
        db_path,
        "select rejection_reason, session_id from stg_events_quarantine where event_id = 'quote-1'",
    )
    assert reason == "unclosed_quote"
    assert "swallowed-2,C001" in session_text
    swallowed = "select count(*) from stg_events_checked where event_id like 'swallowed-%'"
    assert query(db_path, swallowed) == [(0,)]
    lines = "select swallowed_lines from base_events where swallowed_lines is not null"
    assert query(db_path, lines) == [(len(UNCLOSED_QUOTE_LINES) - 1,)]
    ((detail,),) = query(
        db_path,
        "select detail from build_warnings where warning = 'unclosed_quote'"
        " and affected_models = 'stg_events and every model built on it'",
    )
    assert detail.startswith("1 row(s) of events are in quarantine as unclosed_quote"), detail


def test_header_lines_repeated_inside_a_file_are_quarantined_and_named(damaged_shop):
    """A header line inside a file is repeated_header, before the duplicate rules, however its
    names are spelled: no customer called 'user_id', no item called 'name', and build_warnings
    says how to read concatenated files whose columns may differ. Before, the customer and
    the item were accepted, and the event headers were unknown_event_type and a copy."""
    _, db_path = damaged_shop
    for source, key in (("events", "event_id"), ("items", "item_id"), ("customers", "user_id")):
        header_rows = query(
            db_path,
            f"select {key}, rejection_reason from stg_{source}_quarantine"
            f" where lower({key}) like '%{key.replace('_', '%')}'",
        )
        assert {reason for _, reason in header_rows} == {"repeated_header"}, source
        assert len(header_rows) == len(REPEATED_HEADERS[f"{source}.csv"]), header_rows
        ((detail,),) = query(
            db_path,
            "select detail from build_warnings where warning = 'repeated_header'"
            f" and affected_models = 'stg_{source} and every model built on it'",
        )
        assert f"retail_recs__{source}_location" in detail, detail
    assert query(db_path, "select count(*) from dim_customers where user_id = 'user_id'") == [(0,)]
    assert query(db_path, "select count(*) from dim_items where item_id = 'item_id'") == [(0,)]


def test_prices_with_symbols_and_thousands_commas_read(damaged_shop):
    _, db_path = damaged_shop
    prices = dict(query(db_path, "select event_id, unit_price from stg_events"))
    for event_id, _, price in READABLE_PRICES:
        assert prices.get(event_id) == price, event_id


def test_an_id_spelled_in_another_case_shows_in_the_reconciliation(damaged_shop):
    _, db_path = damaged_shop
    ((without_row, loose_matches),) = query(
        db_path,
        "select user_ids_without_customer_row, user_ids_matching_ignoring_case"
        " from data_quality_reconciliation where source_name = 'events'",
    )
    assert (without_row, loose_matches) == (1, 1)
    ((detail,),) = query(
        db_path,
        "select detail from build_warnings where warning = 'ids_spelled_differently'"
        " and affected_models like 'dim_customers%'",
    )
    assert detail.startswith("1 customer id(s) of the events match a customer file id"), detail


def test_the_same_warehouse_refuses_another_shop(damaged_shop, tmp_path):
    _, db_path = damaged_shop
    other = tiny_shop(tmp_path / "other_shop", customers=12)
    completed = build(other, db_path, "--", "--select", "stg_items")
    assert completed.returncode != 0
    assert "Two shops' data are never mixed in one warehouse" in completed.stdout
    assert_no_stack_trace(completed)


def test_the_same_warehouse_refuses_other_staging_rules_until_a_full_refresh(
    damaged_shop, tmp_path
):
    """Rows checked before keep their class in an incremental warehouse, so a build under
    another rule stops and names it; the same rule written another way does not; a
    --full-refresh writes a model's rows under the new rule and records it for that model
    alone, so the models it left are still guarded."""
    folder, shared_db = damaged_shop
    db_path = tmp_path / "shop.duckdb"
    shutil.copy(shared_db, db_path)

    def build_with(max_quantity, *dbt_args: str) -> subprocess.CompletedProcess:
        rule = json.dumps({"retail_recs__max_quantity": max_quantity})
        return build(folder, db_path, "--vars", rule, "--", *dbt_args)

    def above_max() -> int:
        ((count,),) = query(
            db_path,
            "select count(*) from stg_events_quarantine"
            " where rejection_reason = 'quantity_above_max'",
        )
        return count

    refusal = "var retail_recs__max_quantity was 1000000.0 and this build sets 2.0"
    assert above_max() == 1  # 1e9 alone under the default, 1,000,000
    refused = build_with(2, "--select", "stg_events_checked")
    assert refused.returncode != 0
    assert refusal in refused.stdout, refused.stdout[-3000:]
    assert "--full-refresh" in refused.stdout
    assert_no_stack_trace(refused)
    assert above_max() == 1

    same_rule = build_with(1_000_000.0, "--select", "stg_items")
    assert same_rule.returncode == 0, same_rule.stdout[-3000:]

    refreshed = build_with(2, "--full-refresh", "--select", "stg_events_checked")
    assert refreshed.returncode == 0, refreshed.stdout[-3000:]
    assert above_max() > 1  # the purchases of 3 units now too
    recorded = dict(
        query(
            db_path,
            "select model_name, value from retail_recs_build_rules"
            " where setting = 'var retail_recs__max_quantity'",
        )
    )
    assert recorded["stg_events_checked"] == "2.0"
    assert recorded["int_interaction_totals"] == "1000000.0"
    # The interaction totals were written under the old rule and are still guarded.
    still_refused = build_with(2, "--select", "stg_items")
    assert still_refused.returncode != 0
    assert refusal in still_refused.stdout, still_refused.stdout[-3000:]


def test_a_missing_required_column_is_one_clear_line(tmp_path):
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "items.csv").open(newline="") as handle:
        items = [{"id": row["item_id"], "name": row["name"]} for row in csv.DictReader(handle)]
    write_csv(folder / "items.csv", ("id", "name"), items)
    completed = build(folder, tmp_path / "w.duckdb", "--", "--select", "base_items")
    assert completed.returncode != 0
    assert "Source items (file '" in completed.stdout
    assert "lacks required column(s) item_id" in completed.stdout
    assert "section 'The input contract'" in completed.stdout
    assert_no_stack_trace(completed)


def test_latin1_text_reads_with_the_encoding_option_its_error_names(tmp_path):
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "items.csv").open(newline="") as handle:
        items = list(csv.DictReader(handle))
    items[0]["name"] = "Café crème"
    header = ("item_id", "name", "category", "price", "is_active")
    (folder / "items.csv").unlink()
    write_csv(folder / "items.txt", header, items, encoding="latin-1")
    db_path = tmp_path / "w.duckdb"
    completed = build_models(folder, db_path, "+stg_items")
    assert completed.returncode == 1
    assert (
        f"error: {folder / 'items.txt'} is not utf-8: line 2 holds byte 0xE9. If it is "
        "Latin-1, build with --encoding latin-1 (var retail_recs__csv_encoding)"
    ) in completed.stderr
    # Spelled as Python and iconv spell it: DuckDB knows only 'latin-1'.
    completed = build_models(folder, db_path, "+stg_items", options=("--encoding", "ISO-8859-1"))
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert query(db_path, "select name from stg_items where item_id = 'I000'") == [("Café crème",)]
    # Windows-1252 writes '€' as 0x80, which DuckDB's Latin-1 decoder refuses.
    items[1]["name"] = "Mug, 5 € off"
    write_csv(folder / "items.txt", header, items, encoding="cp1252")
    completed = build_models(folder, db_path, "+stg_items", options=("--encoding", "latin-1"))
    assert completed.returncode == 1
    assert "items.txt is not latin-1: line 3 holds byte 0x80" in completed.stderr
    assert "Save it as UTF-8 under the same name (e.g. iconv -f cp1252" in completed.stderr
    # DuckDB reads no Windows-1252 without an extension it would download.
    completed = build_models(folder, db_path, "+stg_items", options=("--encoding", "cp1252"))
    assert completed.returncode == 1
    assert (
        "var retail_recs__csv_encoding must be utf-8, utf-16 (little-endian) or latin-1, the "
        "encodings DuckDB's CSV reader reads, got 'cp1252'. Windows-1252 is latin-1 but for"
    ) in completed.stdout
    assert_no_stack_trace(completed)


def test_report_lines_above_the_header_are_skipped_and_an_empty_file_is_named(tmp_path):
    """Reports put a title and their date range above the header, some with the delimiter in
    them, and some exports quote every field between pipes. Every row reads as from the plain
    file; before, the first title line was read as a one-name header, and the pipes as one
    column split by commas, both lacking every required column. A file with no byte (not
    even its header) stops the build with a line naming it, not DuckDB's sniffer message."""
    folder = tiny_shop(tmp_path / "shop")
    plain = {name: (folder / f"{name}.csv").read_text() for name in ("events", "items")}
    (folder / "events.csv").write_text(
        "Sales report,,,\nFrom,2024-01-01,To,2024-04-30\n\n" + plain["events"]
    )
    (folder / "items.csv").write_text("Product list (all shops)\n" + plain["items"])
    with (folder / "customers.csv").open(newline="") as handle:
        people = list(csv.reader(handle))
    with (folder / "customers.csv").open("w", newline="") as handle:
        csv.writer(handle, delimiter="|", quoting=csv.QUOTE_ALL).writerows(people)
    db_path = tmp_path / "w.duckdb"
    completed = build_models(
        folder, db_path, "+stg_events", "+stg_events_quarantine", "+stg_items", "+stg_customers"
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    people_read = "select count(*), min(user_id), count(*) filter (where has_valid_email)"
    assert query(db_path, people_read + " from stg_customers") == [(CUSTOMERS, "C000", CUSTOMERS)]
    assert query(db_path, "select count(*) from stg_events") == [
        (len(plain["events"].splitlines()) - 1,)
    ]
    assert query(db_path, "select count(*) from stg_events_quarantine") == [(0,)]
    assert query(db_path, "select count(*), min(item_id) from stg_items") == [(ITEMS, "I000")]
    (folder / "customers.csv").write_bytes(b"")
    completed = build_models(folder, db_path, "+stg_customers")
    assert completed.returncode == 1
    assert (
        f"CSV file '{folder / 'customers.csv'}' is empty (0 bytes): export it again with its "
        "header line at least."
    ) in completed.stdout
    assert_no_stack_trace(completed)


def test_excel_unicode_text_reads_without_an_option(tmp_path):
    """Excel's "Unicode Text" export: tab-separated UTF-16 behind a byte-order mark."""
    folder = tiny_shop(tmp_path / "shop")
    rows = {}
    for name in ("events", "items", "customers"):
        with (folder / f"{name}.csv").open(newline="") as handle:
            rows[name] = list(csv.reader(handle))
        (folder / f"{name}.csv").unlink()
    rows["items"][1][1] = "Café € crème"

    def save(name: str, encoding: str) -> None:
        with (folder / f"{name}.txt").open("w", encoding=encoding, newline="") as handle:
            if encoding == "utf-16-le":
                handle.write("\ufeff")
            csv.writer(handle, delimiter="\t").writerows(rows[name])

    for name in rows:
        save(name, "utf-16-le")
    db_path = tmp_path / "w.duckdb"
    completed = build_models(folder, db_path, "+stg_items", "+stg_events")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "The CSV files begin with a UTF-16 byte-order mark: read as utf-16." in completed.stdout
    assert query(db_path, "select name from stg_items where item_id = 'I000'") == [
        ("Café € crème",)
    ]
    assert query(db_path, "select count(*) from stg_events") == [(len(rows["events"]) - 1,)]
    # One file saved as UTF-8 again: one encoding cannot read both, said before dbt runs.
    save("customers", "utf-8")
    completed = build_models(folder, db_path, "+stg_items")
    assert completed.returncode == 2
    assert (
        "error: CSV files in two encodings: events.txt, items.txt begin with a UTF-16 "
        "byte-order mark, customers.txt not."
    ) in completed.stderr
    assert_no_stack_trace(completed)


@pytest.mark.parametrize(
    "shape",
    ["no_events", "one_customer", "views_only", "every_item_inactive", "order_number_as_event_id"],
)
def test_degenerate_shops_build_or_say_what_is_missing(tmp_path, shape):
    """A shop with no events, one customer, no purchase, or no active item: the build passes
    with empty lists and says why in build_warnings. So does an export of order lines whose
    event_id is the order number, which keeps one line per order: half its rows are
    quarantined as repeated_event_id. The shop with no events has no customer file either:
    no customer at all is still fewer than two."""
    if shape == "no_events":
        folder = tiny_shop(tmp_path / "shop")
        write_csv(folder / "events.csv", EVENT_COLUMNS, [])
        (folder / "customers.csv").unlink()
    elif shape == "order_number_as_event_id":
        folder = tiny_shop(tmp_path / "shop")
        with (folder / "events.csv").open(newline="") as handle:
            lines = [row for row in csv.DictReader(handle) if row["event_type"] == "purchase"]
        write_csv(
            folder / "events.csv", EVENT_COLUMNS, [{**r, "event_id": r["order_id"]} for r in lines]
        )
    else:
        folder = tiny_shop(
            tmp_path / "shop",
            customers=1 if shape == "one_customer" else CUSTOMERS,
            views_only=shape == "views_only",
            active=shape != "every_item_inactive",
        )
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    warnings = {row[0] for row in query(db_path, "select warning from build_warnings")}
    expected = {
        "no_events": "no_purchases",
        "one_customer": "too_few_customers",
        "views_only": "no_purchases",
        "every_item_inactive": "no_active_items",
        "order_number_as_event_id": "rows_quarantined",
    }[shape]
    assert expected in warnings, warnings
    if shape == "no_events":
        assert "too_few_customers" in warnings, warnings
    if shape == "order_number_as_event_id":
        (detail,) = query(
            db_path, "select detail from build_warnings where warning = '" + expected + "'"
        )[0]
        repeated, raw = query(
            db_path,
            "select count(*), (select raw_rows from data_quality_reconciliation"
            " where source_name = 'events') from stg_events_quarantine"
            " where rejection_reason = 'repeated_event_id'",
        )[0]
        assert 0.2 * raw < repeated < raw
        assert detail.startswith(
            f"{round(100 * repeated / raw, 1)}% of the {raw} rows of events"
        ), detail
        assert f"{repeated} of them as repeated_event_id: Another valid row" in detail, detail


def test_ids_that_are_contacts_fail_the_build_naming_where(tmp_path):
    """A shop whose customer ids are email addresses would publish raw emails in every
    per-customer table: the build fails naming the first tables and columns, not the values."""
    folder = tiny_shop(tmp_path / "shop")
    for name in ("events.csv", "customers.csv"):
        path = folder / name
        path.write_text(path.read_text().replace("C001", "ada.lovelace@example.org"))
    # The check runs on dim_customers: its ancestors are the build that must fail.
    completed = build(folder, tmp_path / "w.duckdb", "--", "--select", "+dim_customers")
    assert completed.returncode != 0
    (line,) = [line for line in completed.stdout.splitlines() if "Email- or phone-shaped" in line]
    assert "dim_customers.user_id" in line and "README.md, section 'Privacy'" in line
    assert "ada.lovelace" not in line
    assert_no_stack_trace(completed)


def test_an_evaluation_window_after_the_data_fails_naming_the_vars(tmp_path):
    """A cutoff after the last event leaves nothing to score: the build fails on
    assert_evaluation_has_customers instead of publishing empty metrics."""
    folder = tiny_shop(tmp_path / "shop")
    late = '{"retail_recs__eval_cutoff": "2030-01-01"}'
    completed = build(folder, tmp_path / "w.duckdb", "--vars", late)
    assert completed.returncode != 0
    assert "Failure in test assert_evaluation_has_customers" in completed.stdout
    failures = [line for line in completed.stdout.splitlines() if "Failure in test" in line]
    assert len(failures) == 1, failures
    assert_no_stack_trace(completed)


def test_bare_order_lines_without_ids_types_customers_or_catalogue_build_every_list(tmp_path):
    """Order lines as a marketplace exports them: customer, item and time only (no event id,
    type, quantity, order, session or price), and no customer file and no catalogue (the
    catalogue is the items the lines name, an id padded with spaces the same item). Without var
    retail_recs__default_event_type the build stops naming the var, as a type column titled
    otherwise must not read as purchases unseen. With it set, each line is a purchase of one
    unit, two identical lines are two events (two units on two lines), item similarity, with
    no basket to learn from, learns from the customers' histories, every customer of the
    events gets lists and none is reached by a campaign, and build_warnings says each of
    those defaults. The empty lines at the end have no id, and are blank_row. The columns are
    titled as the platform titles them (CustomerID, StockCode, InvoiceDate), which read by
    synonym and build_warnings names."""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        purchases = [row for row in csv.DictReader(handle) if row["event_type"] == "purchase"]
    line_columns = ("user_id", "item_id", "event_at")
    lines = [{column: row[column] for column in line_columns} for row in purchases]
    lines.append(dict(lines[0]))
    lines.append({**lines[1], "item_id": f" {lines[1]['item_id']} "})
    write_csv(folder / "events.csv", line_columns, [*lines, {}, {}])
    # Titled as the platform titles them: read by synonym, and build_warnings says so.
    text = (folder / "events.csv").read_text().split("\n", 1)[1]
    (folder / "events.csv").write_text("CustomerID,StockCode,InvoiceDate\n" + text)
    (folder / "customers.csv").unlink()
    (folder / "items.csv").unlink()
    stopped = build(folder, tmp_path / "stopped.duckdb", "--", "--select", "base_events")
    assert stopped.returncode != 0
    assert "lacks required column(s) event_type" in stopped.stdout, stopped.stdout[-3000:]
    assert "set var retail_recs__default_event_type to it" in stopped.stdout
    assert_no_stack_trace(stopped)

    named = {"retail_recs__default_event_type": "purchase"}
    (folder / "dbt_vars.json").write_text(json.dumps(named))
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert query(
        db_path,
        "select count(*), count(distinct event_id), min(event_type), max(event_type), sum(quantity)"
        " from stg_events",
    ) == [(len(lines), len(lines), "purchase", "purchase", len(lines))]
    # The empty lines a spreadsheet leaves get no id, and are named as such.
    blank = "select rejection_reason, count(*) from stg_events_quarantine group by all"
    assert query(db_path, blank) == [("blank_row", 2)]
    twice = lines[0]
    assert query(
        db_path,
        f"select count(*) from stg_events where user_id = '{twice['user_id']}'"
        f" and item_id = '{twice['item_id']}' and event_at = timestamp '{twice['event_at']}'",
    ) == [(2,)]
    contexts = query(db_path, "select context, count(*) from item_similarity group by context")
    assert len(contexts) == 1 and contexts[0][0] == "history" and contexts[0][1] > 0, contexts
    assert query(db_path, "select count(*) > 0 from recommendations_item_cf") == [(True,)]
    named = {row["item_id"].strip() for row in lines}
    assert query(db_path, "select count(*), count(name), count(price) from dim_items") == [
        (len(named), 0, 0)
    ]
    assert query(
        db_path,
        "select count(*) from stg_events_quarantine where rejection_reason = 'unknown_item'",
    ) == [(0,)]
    assert query(db_path, "select count(distinct user_id) from recommendations") == [(CUSTOMERS,)]
    assert query(
        db_path, "select count(*), count(*) filter (where has_profile) from dim_customers"
    ) == [(CUSTOMERS, 0)]
    reasons = query(
        db_path, "select distinct is_eligible, exclusion_reason from campaign_audiences"
    )
    assert reasons == [(False, "no_consent")], reasons
    assert query(
        db_path,
        "select source_name, raw_rows, is_reconciled from data_quality_reconciliation"
        " where source_name in ('customers', 'items') order by all",
    ) == [("customers", 0, True), ("items", len(named), True)]
    warnings = dict(query(db_path, "select warning, detail from build_warnings"))
    defaults = {
        "event_id_derived",
        "event_type_assumed",
        "quantity_assumed",
        "no_customer_rows",
        "no_catalogue",
    }
    assert defaults <= set(warnings), warnings
    assert (
        "read as: item_id from 'StockCode', event_at from 'InvoiceDate', user_id from 'CustomerID'"
    ) in warnings["columns_read_by_title"]
    assert f"the {CUSTOMERS} customers of the events" in warnings["no_customer_rows"]


def test_a_shop_younger_than_the_test_window_gets_the_blend_untested(tmp_path):
    """20 days of history, a 30-day test window: the default evaluation cutoff precedes every
    event, so nothing can be evaluated. That is not an error (an explicit cutoff would be,
    see below): every customer gets the blend, and the strategy table and build_warnings
    say why."""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    last = max(datetime.fromisoformat(row["event_at"]) for row in rows)
    young = [row for row in rows if datetime.fromisoformat(row["event_at"]) > last - timedelta(20)]
    write_csv(folder / "events.csv", EVENT_COLUMNS, young)
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    strategies = query(db_path, "select strategy, evaluated_customers from recommendation_strategy")
    assert strategies == [("hybrid", 0), ("hybrid", 0)]
    warnings = {row[0] for row in query(db_path, "select warning from build_warnings")}
    assert "strategy_untested" in warnings, warnings
    buyers = "select count(distinct user_id) from stg_events where event_type = 'purchase'"
    listed = "select count(distinct user_id) from recommendations"
    assert query(db_path, listed)[0][0] >= query(db_path, buyers)[0][0] > 0


def slow_shop(folder: Path, customers=900, items=60, days=730) -> Path:
    """A furniture-like shop as CSV: each customer's first order falls anywhere in two years
    and the next ones 60 to 240 days apart, so a month holds few buyers (deterministic)."""
    rng = np.random.default_rng(5)
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = [
        {"item_id": f"I{i:03d}", "name": f"Sofa {i}", "category": "Living", "price": f"{100 + i}"}
        for i in range(items)
    ]
    events = []
    for u in range(customers):
        first = rng.uniform(0, days)
        for order in range(int(rng.integers(1, 4))):
            offset = first + order * rng.uniform(60, 240)
            if offset > days:
                break
            at = START + timedelta(days=float(offset))
            for position, i in enumerate(rng.choice(items, size=int(rng.integers(1, 3)))):
                events.append(
                    {
                        "event_id": f"p{u}-{order}-{position}",
                        "user_id": f"C{u:04d}",
                        "item_id": f"I{i:03d}",
                        "event_type": "purchase",
                        "event_at": at.isoformat(sep=" ", timespec="seconds"),
                        "order_id": f"O{u}-{order}",
                        "quantity": "1",
                        "unit_price": catalogue[i]["price"],
                    }
                )
    people = [{"user_id": f"C{u:04d}", "country": "UK"} for u in range(customers)]
    write_csv(folder / "items.csv", ("item_id", "name", "category", "price"), catalogue)
    write_csv(folder / "customers.csv", ("user_id", "country"), people)
    write_csv(folder / "events.csv", EVENT_COLUMNS, events)
    return folder


def test_a_shop_that_buys_twice_a_year_gets_a_test_window_long_enough_to_choose(tmp_path):
    """900 customers ordering every few months: 30 days after the cutoff hold fewer than
    retail_recs__strategy_min_customers buyers, which left such a shop with the untested
    blend. The window is the shortest candidate that evaluates enough customers on both
    protocols, and the strategy is chosen on it."""
    folder = slow_shop(tmp_path / "shop")
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    windows = query(
        db_path,
        "select window_days, buyers, new_item_buyers, is_chosen from eval_window"
        " order by window_days",
    )
    assert windows[0][0] == 30 and windows[0][1] < 100
    chosen = [row for row in windows if row[3]]
    assert len(chosen) == 1
    days, buyers, new_item_buyers, _ = chosen[0]
    assert days > 30 and min(buyers, new_item_buyers) >= 100
    assert all(min(row[1], row[2]) < 100 for row in windows if row[0] < days)
    strategies = dict(
        query(db_path, "select protocol, evaluated_customers from recommendation_strategy")
    )
    assert strategies == {"repeats_allowed": buyers, "new_items": new_item_buyers}
    warnings = {row[0] for row in query(db_path, "select warning from build_warnings")}
    assert "strategy_untested" not in warnings, warnings


def test_ragged_csv_lines_reach_quarantine_and_quoted_newlines_read(tmp_path):
    """Exports break lines: a line cut short, lines with fields too many (trailing ones, and a
    price whose unquoted decimal comma splits it, early in the file and after the 20,480 lines
    DuckDB's sniffer samples), and a product name whose quotes hold a newline. The short and
    long lines are quarantined with their reasons, the name reads whole, and raw = accepted +
    quarantined. (Without null padding DuckDB's sniffer had read the whole header as one
    column; without the extra column the reader kept a long line's first fields, and read
    '12,50' as 12.)"""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open("a", newline="") as handle:
        handle.write("short-1,C001\n")
        handle.write("long-1,C001,I001,view,2024-02-01 10:00:00,S1,,,,web,extra,fields\n")
        # Views of one user (a bot, quarantined too) push the next line past the sample.
        for number in range(21_000):
            handle.write(f"filler-{number},C999,I001,view,2024-02-01 10:00:00,S9,,,,web\n")
        handle.write("long-2,C001,I001,purchase,2024-02-01 10:05:00,S1,O1,1,12,50,web\n")
    items = (folder / "items.csv").read_text()
    items = items.replace("Item 7,", '"Item 7\nin two lines",', 1)
    (folder / "items.csv").write_text(items + "I050,Item 50,Toys,12,50,true\n")
    db_path = tmp_path / "w.duckdb"
    completed = build_models(
        folder, db_path, "+stg_events", "+stg_events_quarantine", "stg_items_quarantine"
    )
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-3000:]
    rejected = """
        select event_id, rejection_reason from stg_events_quarantine
        where event_id in ('short-1', 'long-1', 'long-2') order by event_id
    """
    assert query(db_path, rejected) == [
        ("long-1", "extra_fields"),
        ("long-2", "extra_fields"),
        ("short-1", "missing_item_id"),
    ]
    assert query(db_path, "select name from stg_items where item_id = 'I007'") == [
        ("Item 7\nin two lines",)
    ]
    item = "select rejection_reason from stg_items_quarantine where item_id = 'I050'"
    assert query(db_path, item) == [("extra_fields",)]
    raw = sum(1 for _ in (folder / "events.csv").open()) - 1
    counted = "select (select count(*) from stg_events_checked) from stg_events limit 1"
    assert query(db_path, counted) == [(raw,)]
    accepted_and_quarantined = """
        select (select count(*) from stg_events) + (select count(*) from stg_events_quarantine)
    """
    assert query(db_path, accepted_and_quarantined) == [(raw,)]


def test_spreadsheet_dates_read_in_the_order_each_column_shows(tmp_path):
    """A back office's export: events dated as US spreadsheets write them ('3/14/2024 2:05 PM')
    and signups as German ones ('01.02.2024'). The events' days above 12 tell month first, so
    every event lands on its own instant; no signup has a number above 12, so they read day
    first by their dots and build_warnings says date_order_assumed for customers only."""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    instants = {row["event_id"]: datetime.fromisoformat(row["event_at"]) for row in rows}
    for row in rows:
        at = instants[row["event_id"]]
        row["event_at"] = f"{at.month}/{at.day}/{at.year} {at:%I:%M:%S %p}"
    write_csv(folder / "events.csv", EVENT_COLUMNS, rows)
    signups = {f"C{u:03d}": datetime(2023, 1 + u % 12, 1 + (u + 1) % 12) for u in range(CUSTOMERS)}
    with (folder / "customers.csv").open(newline="") as handle:
        people = list(csv.DictReader(handle))
    for person in people:
        person["signup_at"] = f"{signups[person['user_id']]:%d.%m.%Y}"
    write_csv(folder / "customers.csv", ("user_id", "email", "country", "signup_at"), people)
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert query(db_path, "select count(*) from stg_events_quarantine") == [(0,)]
    assert dict(query(db_path, "select event_id, event_at from stg_events")) == instants
    assert dict(query(db_path, "select user_id, signup_at from stg_customers")) == signups
    warnings = query(db_path, "select warning, affected_models from build_warnings")
    assert ("date_order_assumed", "stg_customers") in warnings, warnings
    assert ("date_order_assumed", "stg_events") not in warnings, warnings


def test_ids_written_as_floats_match_the_same_ids_written_plainly(tmp_path):
    """pandas writes an integer id column with gaps as floats ('17850.0'), and a DOUBLE column
    casts to text the same way: events exported so must still join the catalogue, the
    customer file and the erasure list that write the ids plainly. Before, every such event
    was quarantined as unknown_item. '1.5' and '10.0.0' are not whole numbers and stay text."""
    folder = tiny_shop(tmp_path / "shop")

    def number(code: str) -> str:
        return str(int(code[1:]) + 10000)

    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["user_id"], row["item_id"] = (
            f"{number(row['user_id'])}.0",
            f"{number(row['item_id'])}.0",
        )
    write_csv(folder / "events.csv", EVENT_COLUMNS, rows)
    for name, key, header in (
        ("items", "item_id", ("item_id", "name", "category", "price", "is_active")),
        ("customers", "user_id", ("user_id", "email", "country")),
    ):
        with (folder / f"{name}.csv").open(newline="") as handle:
            table = list(csv.DictReader(handle))
        for row in table:
            row[key] = number(row[key])
        write_csv(folder / f"{name}.csv", header, table)
    (folder / "erasure_requests.csv").write_text("user_id\n10001.00\n")
    erased = sum(1 for row in rows if row["user_id"] == "10001.0")
    db_path = tmp_path / "w.duckdb"
    completed = build_models(
        folder, db_path, "+stg_events", "+stg_events_quarantine", "+data_quality_reconciliation"
    )
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert erased > 0
    assert query(db_path, "select count(*) from stg_events_quarantine") == [(0,)]
    assert query(db_path, "select count(*) from stg_events") == [(len(rows) - erased,)]
    events = query(db_path, "select distinct user_id, item_id from stg_events")
    written = {
        (number_text[:-2], item[:-2])
        for number_text, item in (
            (row["user_id"], row["item_id"]) for row in rows if row["user_id"] != "10001.0"
        )
    }
    assert set(events) == written
    assert query(
        db_path,
        "select user_ids_without_customer_row from data_quality_reconciliation"
        " where source_name = 'events'",
    ) == [(0,)]
    assert query(db_path, "select count(*) from stg_customers where user_id = '10001'") == [(0,)]


@pytest.mark.parametrize(
    ("source", "header", "consequence", "reader"),
    [
        ("erasure_requests", "user_id,requested_at", "would not be honoured", "stg_events_checked"),
        (
            "customers",
            "user_id,email",
            "would be lost with their consents",
            "stg_customers_checked",
        ),
    ],
)
def test_a_quote_left_open_in_customers_or_erasures_stops_the_build_naming_the_file(
    tmp_path, source, header, consequence, reader
):
    """In the erasure list a quote left open would hide the requests on the lines after it,
    and in the customer file it would lose those customers' consents and hold their raw
    contacts in a value that is not hashed; quarantine cannot help either. So the build stops
    before any model reads them, with one line naming the file and the lines it took."""
    folder = tiny_shop(tmp_path / "shop")
    # The quoted ids make the sniffer read quotes (a lone quote in a file reads as text).
    second = "2024-03-01" if source == "erasure_requests" else "c@example.com"
    (folder / f"{source}.csv").write_text(
        f'{header}\n"C000","{second}"\n"C001,{second}\nC002,{second}\n'
        f'C003,"{second}"\n"C004","{second}"\n'
    )
    db_path = tmp_path / "w.duckdb"
    completed = build_models(folder, db_path, "+stg_events", "+stg_customers")
    assert_no_stack_trace(completed)
    assert completed.returncode != 0
    assert f"Source {source} (file '" in completed.stdout, completed.stdout[-3000:]
    assert "took 2 following line(s) of the file" in completed.stdout
    assert consequence in completed.stdout
    # The models that read the source were not built.
    built = f"select count(*) from duckdb_tables() where table_name = '{reader}'"
    assert query(db_path, built) == [(0,)]


def test_a_shop_that_sells_by_weight_keeps_its_measured_lines_and_their_revenue(tmp_path):
    """A delicatessen sells a third of its items by the kilogram: those purchases carry a
    measure (0.25 to 2.75 kg) and the price of a kilogram. By default they are quarantined as
    non_integer_quantity; with var retail_recs__fractional_quantities = one_unit every row is
    accepted, each measured line is one unit priced at the whole line, and each item's net
    revenue is exactly the sum of measure times price over its lines, as in the file."""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        events = list(csv.DictReader(handle))
    revenue: dict[str, float] = {}
    measured = set()
    for position, row in enumerate(events):
        if row["event_type"] != "purchase":
            continue
        if int(row["item_id"][1:]) % 3 == 0:
            row["quantity"] = f"{0.25 + (position % 6) * 0.5:.2f}"
            measured.add(row["event_id"])
        amount = float(row["quantity"]) * float(row["unit_price"])
        revenue[row["item_id"]] = revenue.get(row["item_id"], 0.0) + amount
    assert len(measured) > 20
    write_csv(folder / "events.csv", EVENT_COLUMNS, events)

    by_default, by_weight = tmp_path / "default.duckdb", tmp_path / "weight.duckdb"
    one_unit = json.dumps({"retail_recs__fractional_quantities": "one_unit"})
    for db_path, options in ((by_default, ()), (by_weight, ("--vars", one_unit))):
        completed = build_models(
            folder, db_path, "+dim_items", "stg_events_quarantine", options=options
        )
        assert_no_stack_trace(completed)
        assert completed.returncode == 0, completed.stdout[-6000:]
    quarantined = query(
        by_default, "select rejection_reason, count(*) from stg_events_quarantine group by 1"
    )
    assert quarantined == [("non_integer_quantity", len(measured))]
    assert query(by_weight, "select count(*) from stg_events_quarantine") == [(0,)]
    measured_ids = ", ".join(f"'{event_id}'" for event_id in sorted(measured))
    quantities = query(
        by_weight, f"select distinct quantity from stg_events where event_id in ({measured_ids})"
    )
    assert quantities == [(1,)]
    assert dict(query(by_weight, "select item_id, net_revenue from dim_items")) == pytest.approx(
        {item_id: round(amount, 2) for item_id, amount in revenue.items()}, abs=0.011
    )


def german(amount: float) -> str:
    """An amount as a German shop system writes it: '1.234,50'."""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def rewrite_dates_and_prices(folder: Path, date_format: str, write_price):
    """The tiny shop's events and items as rows, each event time written in date_format and
    each price, times 100 so that thousands are grouped, by write_price; with the prices (item
    to amount) and the instants (event to datetime) that they stand for."""
    tables = {}
    for name in ("events", "items"):
        with (folder / f"{name}.csv").open(newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    prices = {row["item_id"]: float(row["price"]) * 100 for row in tables["items"]}
    instants = {}
    for row in tables["events"]:
        at = datetime.fromisoformat(row["event_at"])
        instants[row["event_id"]] = at
        row["event_at"] = f"{at:{date_format}}"
        if row["unit_price"]:
            row["unit_price"] = write_price(float(row["unit_price"]) * 100)
    for row in tables["items"]:
        row["price"] = write_price(float(row["price"]) * 100)
    return tables, prices, instants


def test_a_german_export_reads_its_decimal_commas_and_dotted_dates(tmp_path):
    """A shop system set to German writes semicolons between fields, decimal commas, grouping
    dots and dotted dates ('1.234,50', '14.03.2024 14:05'). The README's command builds it
    whole, every row accepted with its own price and instant, and build_warnings says the
    numbers were read with a decimal comma; before, every priced row was quarantined as
    unparseable_price. Its items are active 'ja', and one 'Auslaufartikel' (discontinued),
    which no yes/no spelling reads: it stays active, and build_warnings says so."""
    folder = tiny_shop(tmp_path / "shop")
    tables, prices, instants = rewrite_dates_and_prices(folder, "%d.%m.%Y %H:%M:%S", german)
    for row in tables["items"]:
        row["is_active"] = "ja"
    discontinued = tables["items"][0]
    discontinued["is_active"] = "Auslaufartikel"
    for name, header in (("events", EVENT_COLUMNS), ("items", tuple(tables["items"][0]))):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, delimiter=";")
            writer.writeheader()
            writer.writerows(tables[name])
    assert any("." in row["price"] for row in tables["items"])  # grouped thousands
    db_path = tmp_path / "w.duckdb"
    completed = build(folder, db_path)
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert query(db_path, "select count(*) from stg_events_quarantine") == [(0,)]
    assert dict(query(db_path, "select item_id, price from stg_items")) == pytest.approx(prices)
    events = query(db_path, "select event_id, event_at, item_id, unit_price from stg_events")
    assert {event_id: at for event_id, at, _, _ in events} == instants
    for event_id, _, item_id, unit_price in events:
        if event_id.startswith("p"):
            assert unit_price == pytest.approx(prices[item_id]), event_id
    warnings = query(db_path, "select warning, affected_models from build_warnings")
    assert ("decimal_comma_read", "stg_events") in warnings, warnings
    assert ("decimal_comma_read", "stg_items") in warnings, warnings
    assert ("unread_yes_no_values", "stg_items") in warnings, warnings
    assert query(db_path, "select count(*) from stg_items where not is_active") == [(0,)]
    ((detail,),) = query(
        db_path, "select detail from build_warnings where warning = 'unread_yes_no_values'"
    )
    assert detail.startswith("1 value(s) of items.is_active (such as 'Auslaufartikel')"), detail


def test_an_erp_export_with_month_names_and_currency_codes_reads(tmp_path):
    """ERP and spreadsheet exports name the month ('05-Mar-2024 14:05:00'), write the currency
    code after the amount ('1.234,50 EUR') and an accounting minus in brackets. Every row is
    read with its own instant and price, and the bracketed price is a minus, quarantined as
    negative_price: before, every row was quarantined as unparseable_timestamp, and every
    price as unparseable_price."""
    folder = tiny_shop(tmp_path / "shop")
    tables, prices, instants = rewrite_dates_and_prices(
        folder, "%d-%b-%Y %H:%M:%S", lambda amount: f"{german(amount)} EUR"
    )
    bracketed = next(row for row in tables["events"] if row["unit_price"])
    bracketed["unit_price"] = f"({bracketed['unit_price']})"
    for name, header in (("events", EVENT_COLUMNS), ("items", tuple(tables["items"][0]))):
        write_csv(folder / f"{name}.csv", header, tables[name])
    db_path = tmp_path / "w.duckdb"
    completed = build_models(folder, db_path, "+stg_events", "+stg_events_quarantine", "+stg_items")
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert dict(query(db_path, "select item_id, price from stg_items")) == pytest.approx(prices)
    assert query(db_path, "select event_id, rejection_reason from stg_events_quarantine") == [
        (bracketed["event_id"], "negative_price")
    ]
    ((minus,),) = query(
        db_path,
        f"select unit_price from stg_events_checked where event_id = '{bracketed['event_id']}'",
    )
    assert minus == pytest.approx(-prices[bracketed["item_id"]])
    del instants[bracketed["event_id"]]
    assert dict(query(db_path, "select event_id, event_at from stg_events")) == instants


def test_headers_as_exports_write_them_hold_the_contract_columns(tmp_path):
    """Exports title their columns ('Event ID', 'item-id', 'EventType', 'Unit Price'), and
    platforms give them titles of their own ('VisitorID', 'InvoiceDate', 'SKU', 'Status').
    They read as the contract's columns, behind a byte-order mark too, and a title that no
    synonym knows reads once var retail_recs__column_names names it: the staged events and
    items equal those of the same shop with the contract's own names (an unmatched Quantity
    would read as one unit per row). Two headers that could each be one column stop the build
    naming both."""
    plain = tiny_shop(tmp_path / "plain")
    titled = tiny_shop(tmp_path / "titled")
    # Titles of other platforms and public data sets, read by synonym, and one title no
    # synonym knows (Artikelnummer), named in var retail_recs__column_names.
    platform = tiny_shop(tmp_path / "platform")
    titles = {
        titled: {
            "events": (
                "Event ID",
                "User ID",
                "item-id",
                "EventType",
                "Event At",
                "Session Id",
                "ORDER_ID",
                "Quantity",
                "Unit Price",
                "channel",
            ),
            "items": ("Item ID", "Name", "Category", "Price", "Is Active"),
        },
        platform: {
            "events": (
                "Event ID",
                "VisitorID",
                "Artikelnummer",
                "event",
                "InvoiceDate",
                "Session",
                "InvoiceNo",
                "Qty",
                "Price",
                "Sales Channel",
            ),
            "items": ("SKU", "Title", "Product Type", "Variant Price", "Status"),
        },
    }
    for folder, headers in titles.items():
        for name, header in headers.items():
            with (plain / f"{name}.csv").open(newline="") as handle:
                rows = list(csv.reader(handle))[1:]
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8-sig") as handle:
                csv.writer(handle).writerows([header, *rows])
    completed = build_models(platform, platform / "unnamed.duckdb", "base_events")
    assert completed.returncode != 0
    assert (
        "lacks required column(s) item_id; it has Event ID, VisitorID, Artikelnummer"
    ) in completed.stdout
    assert (
        'name it in var retail_recs__column_names ({"events": {"item_id": "<your column>"}})'
    ) in completed.stdout
    assert_no_stack_trace(completed)
    data_vars = platform / "dbt_vars.json"
    data_vars.write_text(json.dumps({"retail_recs__column_names": {"events": {"item_id": "SKU"}}}))
    completed = build_models(platform, platform / "misnamed.duckdb", "base_events")
    assert completed.returncode != 0
    assert (
        "var retail_recs__column_names reads events.item_id from column 'SKU', which source events"
    ) in completed.stdout
    assert_no_stack_trace(completed)
    data_vars.write_text(
        json.dumps({"retail_recs__column_names": {"events": {"item_id": "artikelnummer"}}})
    )
    staged = {}
    for folder in (plain, titled, platform):
        db_path = folder / "w.duckdb"
        completed = build_models(
            folder, db_path, "+stg_events", "+stg_events_quarantine", "+stg_items"
        )
        assert_no_stack_trace(completed)
        assert completed.returncode == 0, completed.stdout[-6000:]
        staged[folder] = [
            query(db_path, f"select * from {table} order by all")
            for table in ("stg_events", "stg_items", "stg_events_quarantine")
        ]
    assert staged[titled] == staged[plain]
    assert staged[platform] == staged[plain]
    assert len(staged[titled][0]) > 0

    with (plain / "events.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    doubled = [["Event ID", "event-id", *rows[0][1:]], *[[row[0], *row] for row in rows[1:]]]
    with (titled / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(doubled)
    completed = build_models(titled, tmp_path / "twice.duckdb", "base_events")
    assert completed.returncode != 0
    assert "has columns 'Event ID', 'event-id' that could each be event_id" in completed.stdout
    assert_no_stack_trace(completed)


def test_files_without_a_header_line_read_by_position(tmp_path):
    """Some exports and public data sets (Taobao's behaviour log, Amazon's ratings) have no
    header line. Read as usual, the first record became the header and no column was known:
    the build stops saying so and how to name the columns by position. Named so (1 for the
    first), every line is a record, the first included: the staged events and quarantine
    equal those of the same file with its header, and so do those of a copy whose fields are
    separated by '::' (MovieLens's), named in var retail_recs__csv_delimiter."""
    plain = tiny_shop(tmp_path / "plain")
    headerless = tiny_shop(tmp_path / "headerless")
    with (plain / "events.csv").open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with (headerless / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)

    completed = build_models(headerless, tmp_path / "unnamed.duckdb", "base_events")
    assert completed.returncode != 0
    # The first record's values are the column names.
    first = ", ".join(rows[0][:3])
    assert f"lacks required column(s) item_id, event_type, event_at; it has {first}" in (
        completed.stdout
    )
    assert "if its first line is a record, not a header" in completed.stdout
    assert '{"events": {"item_id": 1, "event_type": 2, "event_at": 3}}' in completed.stdout
    assert_no_stack_trace(completed)

    positions = {column: number for number, column in enumerate(header, start=1)}
    mixed = {**positions, "item_id": "item_id"}
    data_vars = headerless / "dbt_vars.json"
    data_vars.write_text(json.dumps({"retail_recs__column_names": {"events": mixed}}))
    completed = build_models(headerless, tmp_path / "mixed.duckdb", "base_events")
    assert completed.returncode != 0
    assert "names some columns of events by title and some by position" in completed.stdout
    assert_no_stack_trace(completed)

    data_vars.write_text(json.dumps({"retail_recs__column_names": {"events": positions}}))
    # MovieLens writes its fields between '::', which DuckDB's sniffer does not find: in every
    # file, as the var is the shop's.
    double_colons = tiny_shop(tmp_path / "double_colons")
    for path in double_colons.glob("*.csv"):
        with path.open(newline="") as handle:
            lines = list(csv.reader(handle))
        kept = lines[1:] if path.name == "events.csv" else lines
        path.write_text("".join("::".join(line) + "\n" for line in kept))
    (double_colons / "dbt_vars.json").write_text(
        json.dumps(
            {
                "retail_recs__column_names": {"events": positions},
                "retail_recs__csv_delimiter": "::",
            }
        )
    )
    staged = {}
    for folder in (plain, headerless, double_colons):
        db_path = folder / "w.duckdb"
        completed = build_models(folder, db_path, "+stg_events", "+stg_events_quarantine")
        assert_no_stack_trace(completed)
        assert completed.returncode == 0, completed.stdout[-6000:]
        staged[folder] = [
            query(db_path, f"select * from {table} order by all")
            for table in ("stg_events", "stg_events_quarantine")
        ]
    assert staged[headerless] == staged[plain]
    assert staged[double_colons] == staged[plain]
    assert len(staged[plain][0]) == len(rows)


def test_json_exports_read_as_text_like_csv(tmp_path):
    """Event pipelines and shop platforms export JSON lines: numbers as numbers, a key left
    out where a value is missing, nested objects, and an items file as one array. They read
    as CSV does, each field as text for staging to parse, so a bad quantity is quarantined
    with its reason rather than failing the load, and every row is accounted for. The first
    21,000 records are views, without the keys of orders, quantities and prices: those keys
    come after the 20,480 records DuckDB samples for names, and are read all the same."""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    views = [row for row in rows if row["event_type"] == "view"]
    with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
        for number in range(21_000):
            view = views[number % len(views)]
            keys = ("user_id", "item_id", "event_type", "event_at")
            record = {"event_id": f"early-{number}", **{key: view[key] for key in keys}}
            handle.write(json.dumps(record) + "\n")
        for row in rows:
            record = {key: value for key, value in row.items() if value != ""}
            if "quantity" in record:
                record["quantity"] = int(record["quantity"])
                record["unit_price"] = float(record["unit_price"])
            record["context"] = {"page": "/p", "ids": [1, 2]}
            handle.write(json.dumps(record) + "\n")
        bad = {**rows[1], "event_id": "bad-quantity", "quantity": "three"}
        handle.write(json.dumps(bad) + "\n")
    (folder / "events.csv").unlink()
    with (folder / "items.csv").open(newline="") as handle:
        items = list(csv.DictReader(handle))
    (folder / "items.json").write_text(json.dumps(items), encoding="utf-8")
    (folder / "items.csv").unlink()
    db_path = tmp_path / "w.duckdb"
    completed = build_models(folder, db_path, "+stg_events", "+stg_events_quarantine", "+stg_items")
    assert_no_stack_trace(completed)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert query(db_path, "select event_id, rejection_reason from stg_events_quarantine") == [
        ("bad-quantity", "unparseable_quantity")
    ]
    assert query(db_path, "select count(*) from stg_events") == [(len(rows) + 21_000,)]
    assert query(db_path, "select count(*) from stg_items") == [(ITEMS,)]
    purchases = {row["event_id"]: float(row["unit_price"]) for row in rows if row["unit_price"]}
    priced = "select event_id, unit_price from stg_events where unit_price is not null"
    assert dict(query(db_path, priced)) == purchases


def test_a_spreadsheet_workbook_is_one_line_asking_for_csv(tmp_path):
    folder = tiny_shop(tmp_path / "shop")
    (folder / "items.csv").rename(folder / "items.xlsx")
    completed = build(folder, tmp_path / "w.duckdb")
    assert_no_stack_trace(completed)
    assert completed.returncode != 0
    assert "is a spreadsheet workbook, which is not read: save the sheet as CSV" in (
        completed.stdout + completed.stderr
    )


def test_a_glob_of_exports_reads_each_file_by_column_name(tmp_path):
    """A location glob over monthly exports whose columns drifted: one writes them in another
    order, one drops channel and session_id and adds a currency, one has no byte. Every
    event reads with its own quantity and price, and no line is extra_fields. (DuckDB binds a
    file's fields by position when the columns are given, so a moved column read into its
    neighbour's place; Parquet stopped at the first file lacking a column.)"""
    folder = tiny_shop(tmp_path / "shop")
    with (folder / "events.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    exports = tmp_path / "exports"
    exports.mkdir()
    third = len(rows) // 3
    reordered = ("channel", *EVENT_COLUMNS[:7], "unit_price", "quantity")
    drifted = (*(c for c in EVENT_COLUMNS if c not in ("channel", "session_id")), "currency")
    write_csv(exports / "events_1.csv", EVENT_COLUMNS, rows[:third])
    write_csv(exports / "events_2.csv", reordered, rows[third : 2 * third])
    last = [
        {**{c: row[c] for c in drifted if c != "currency"}, "currency": "GBP"}
        for row in rows[2 * third :]
    ]
    write_csv(exports / "events_3.csv", drifted, last)
    (exports / "events_4.csv").write_bytes(b"")
    expected = {
        row["event_id"]: (int(row["quantity"]), float(row["unit_price"]))
        for row in rows
        if row["event_type"] == "purchase"
    }
    picked = "select event_id, quantity, unit_price from stg_events where event_type = 'purchase'"
    for pattern in ("events_*.csv", "events_*.parquet"):
        if pattern.endswith(".parquet"):
            with duckdb.connect() as connection:
                for number in (1, 2, 3):
                    connection.execute(
                        f"copy (select * from read_csv('{exports}/events_{number}.csv', "
                        f"all_varchar = true)) to '{exports}/events_{number}.parquet'"
                    )
        db_path = tmp_path / f"{pattern[-7:]}.duckdb"
        location = {"retail_recs__events_location": str(exports / pattern)}
        completed = build_models(
            folder,
            db_path,
            "+stg_events",
            "+stg_events_quarantine",
            options=("--vars", json.dumps(location)),
        )
        assert_no_stack_trace(completed)
        assert completed.returncode == 0, completed.stdout[-3000:]
        assert query(db_path, "select count(*) from stg_events_quarantine") == [(0,)], pattern
        assert query(db_path, "select count(*) from stg_events") == [(len(rows),)], pattern
        purchases = {
            event_id: (quantity, price) for event_id, quantity, price in query(db_path, picked)
        }
        assert purchases == expected, pattern
