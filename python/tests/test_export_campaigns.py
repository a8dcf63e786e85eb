"""Tests of ``retail_recs.export_campaigns`` on a small synthetic warehouse.

The warehouse holds only what the export reads: ``campaigns`` (product_count),
``campaign_audiences``, ``campaign_audience_products`` (three per recipient, two for U2) and
``pii.pii_customer_contacts``.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import pytest

from retail_recs import export_campaigns as export_module
from retail_recs.export_campaigns import (
    ContactError,
    default_export_dir,
    export_campaigns,
    main,
)

# campaign_id, channel, product_count, offer_type, offer_value
CAMPAIGNS = (
    ("spring", "email", 2, "percent", 15.0),
    ("flash", "sms", 3, "fixed_amount", 5.0),
    ("quiet", "email", 1, "free_shipping", None),
)
# campaign_id, user_id, is_eligible, experiment_group; rows out of user order on purpose.
AUDIENCES = (
    ("spring", "U3", True, "treatment"),
    ("spring", "U1", True, "treatment"),
    ("spring", "U2", True, "control"),
    ("spring", "U4", False, None),
    ("spring", "U5", False, "treatment"),  # inconsistent row: not eligible wins
    ("flash", "U2", True, "treatment"),
    ("flash", "U1", True, "treatment"),
    ("flash", "U3", True, "control"),
    ("quiet", "U1", True, "control"),
    ("quiet", "U2", False, None),
)
STARTS_ON = {"spring": "2026-03-02", "flash": "2026-03-09", "quiet": "2026-04-01"}
USERS = ("U1", "U2", "U3", "U4", "U5")
CONTACTS = {u: (f"{u.lower()}@example.com", f"+44 7700 90000{u[1:]}") for u in USERS}
N_PRODUCTS = 3
ALL_FILES = [
    "flash__holdout.csv",
    "flash__sms.csv",
    "quiet__email.csv",
    "quiet__holdout.csv",
    "spring__email.csv",
    "spring__holdout.csv",
]


def make_warehouse(
    path: Path, contacts: dict[str, tuple[str | None, str | None]] = CONTACTS
) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "create table campaigns (campaign_id varchar, channel varchar, product_count integer)"
        )
        con.executemany("insert into campaigns values (?, ?, ?)", [c[:3] for c in CAMPAIGNS])
        con.execute(
            "create table campaign_audiences (campaign_id varchar, campaign_name varchar,"
            " channel varchar, user_id varchar, is_eligible boolean, experiment_group varchar,"
            " coupon_code varchar, offer_type varchar, offer_value double, starts_on date)"
        )
        con.execute(
            "create table campaign_audience_products (campaign_id varchar, user_id varchar,"
            " product_position integer, item_id varchar, item_name varchar, price double,"
            " offer_price double)"
        )
        seed = {c[0]: c for c in CAMPAIGNS}
        for campaign_id, user_id, eligible, group in AUDIENCES:
            _, channel, _, offer_type, offer_value = seed[campaign_id]
            coupon = f"{campaign_id.upper()}-{user_id}" if group == "treatment" else None
            values = [campaign_id, campaign_id.title(), channel, user_id, eligible, group]
            values += [coupon, offer_type, offer_value, STARTS_ON[campaign_id]]
            con.execute(
                "insert into campaign_audiences values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values
            )
            for k in range(1, N_PRODUCTS + 1):
                if user_id == "U2" and k == 3:  # U2 has only two recommendations
                    continue
                con.execute(
                    "insert into campaign_audience_products values (?, ?, ?, ?, ?, ?, ?)",
                    [campaign_id, user_id, k, f"I{k}{user_id}", f"Item {k}", 1.5 * k, 1.2 * k],
                )
        con.execute("create schema pii")
        con.execute(
            "create table pii.pii_customer_contacts (user_id varchar, email varchar,"
            " phone varchar, email_sha256 varchar, phone_sha256 varchar)"
        )
        con.executemany(
            "insert into pii.pii_customer_contacts values (?, ?, ?, 'h', 'h')",
            [(u, e, p) for u, (e, p) in contacts.items()],
        )
    finally:
        con.close()
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "w.duckdb")


@pytest.fixture()
def exported(warehouse: Path, tmp_path: Path) -> tuple[Path, list[tuple[Path, int]]]:
    out = tmp_path / "exports"
    return out, export_campaigns(warehouse, out)


def test_one_file_per_campaign_and_channel(exported) -> None:
    out, written = exported
    assert sorted(p.name for p in out.iterdir()) == ALL_FILES
    assert [(p.name, n) for p, n in written] == [
        ("flash__sms.csv", 2),
        ("flash__holdout.csv", 1),
        ("quiet__email.csv", 0),
        ("quiet__holdout.csv", 1),
        ("spring__email.csv", 2),
        ("spring__holdout.csv", 1),
    ]


def test_the_holdout_file_is_campaign_events_of_the_control_members(exported) -> None:
    out, _ = exported
    header, spring = read_csv(out / "spring__holdout.csv")
    assert header == ["event_id", "campaign_id", "user_id", "event_type", "event_at"]
    # U2 is spring's only eligible control member; nobody's contact is in the file.
    assert spring == [
        {
            "event_id": "held_out:spring:U2",
            "campaign_id": "spring",
            "user_id": "U2",
            "event_type": "held_out",
            "event_at": "2026-03-02T00:00:00Z",
        }
    ]
    _, flash = read_csv(out / "flash__holdout.csv")
    assert [(r["user_id"], r["event_at"]) for r in flash] == [("U3", "2026-03-09T00:00:00Z")]


def test_only_eligible_treatment_rows_sorted_by_user(exported) -> None:
    out, _ = exported
    _, spring = read_csv(out / "spring__email.csv")
    assert [r["user_id"] for r in spring] == ["U1", "U3"]
    assert {r["campaign_id"] for r in spring} == {"spring"}
    assert [r["coupon_code"] for r in spring] == ["SPRING-U1", "SPRING-U3"]
    _, flash = read_csv(out / "flash__sms.csv")
    assert [r["user_id"] for r in flash] == ["U1", "U2"]


def test_contact_column_follows_the_channel_and_comes_from_pii(exported) -> None:
    out, _ = exported
    header, spring = read_csv(out / "spring__email.csv")
    assert header[:6] == [
        "campaign_id",
        "user_id",
        "email",
        "coupon_code",
        "offer_type",
        "offer_value",
    ]
    assert "phone" not in header
    assert [r["email"] for r in spring] == [CONTACTS["U1"][0], CONTACTS["U3"][0]]
    header, flash = read_csv(out / "flash__sms.csv")
    assert header[2] == "phone" and "email" not in header
    assert [r["phone"] for r in flash] == [CONTACTS["U1"][1], CONTACTS["U2"][1]]
    assert flash[0]["offer_type"] == "fixed_amount" and float(flash[0]["offer_value"]) == 5.0


def test_product_columns_stop_at_the_campaign_product_count(exported) -> None:
    out, _ = exported
    for name, count in (("spring__email.csv", 2), ("flash__sms.csv", 3), ("quiet__email.csv", 1)):
        header, _ = read_csv(out / name)
        assert header[6:] == [
            f"product_{k}_{field}"
            for k in range(1, count + 1)
            for field in ("item_id", "name", "price", "offer_price")
        ], name
    _, flash = read_csv(out / "flash__sms.csv")
    assert flash[0]["product_3_item_id"] == "I3U1" and float(flash[0]["product_3_price"]) == 4.5
    assert flash[1]["product_3_item_id"] == ""  # U2 has fewer recommendations


def test_campaign_without_treated_recipients_gets_a_header_only_file(exported) -> None:
    out, _ = exported
    lines = (out / "quiet__email.csv").read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("campaign_id,user_id,email,")


def test_missing_contact_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    contacts = {**CONTACTS, "U3": (None, CONTACTS["U3"][1])}
    db = make_warehouse(tmp_path / "w.duckdb", contacts)
    with pytest.raises(ContactError, match=r"spring \(email\): 1 of 2 treated"):
        export_campaigns(db, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    del contacts["U2"]
    db2 = make_warehouse(tmp_path / "w2.duckdb", contacts)
    with pytest.raises(ContactError, match="flash"):
        export_campaigns(db2, tmp_path / "out", ["flash"])


def test_duplicate_contacts_are_an_error(warehouse: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into pii.pii_customer_contacts values ('U1', 'x@example.com', null, '', '')"
    )
    con.close()
    with pytest.raises(ContactError, match="more than one email"):
        export_campaigns(warehouse, tmp_path / "out", ["spring"])
    # The SMS campaign is unaffected: U1's extra row has no phone.
    assert export_campaigns(warehouse, tmp_path / "out", ["flash"])[0][1] == 2


def test_missing_warehouse_or_table_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]) == 2
    assert "no warehouse" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["--db", str(empty), "--out", str(tmp_path / "out")]) == 2
    assert "campaign_audiences" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_prints_one_line_per_file_and_filters_campaigns(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli"
    argv = ["--db", str(warehouse), "--out", str(out)]
    assert main([*argv, "--campaign", "flash", "--campaign", "quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        f"{out / 'flash__sms.csv'}: 2 rows",
        f"{out / 'flash__holdout.csv'}: 1 rows",
        f"{out / 'quiet__email.csv'}: 0 rows",
        f"{out / 'quiet__holdout.csv'}: 1 rows",
    ]
    assert main([*argv, "--campaign", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_files_are_replaced_atomically_without_leftovers(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_campaigns(warehouse, out)
    before = (out / "flash__sms.csv").read_bytes()

    real_writer = csv.writer

    class Broken:
        """Writes the header, then fails like a full disk."""

        def __init__(self, f) -> None:
            self.writer = real_writer(f)

        def writerow(self, row) -> None:
            self.writer.writerow(row)

        def writerows(self, rows) -> None:
            raise OSError("disk full")

    monkeypatch.setattr(export_module.csv, "writer", Broken)
    with pytest.raises(OSError, match="disk full"):
        export_campaigns(warehouse, out, ["flash"])
    assert (out / "flash__sms.csv").read_bytes() == before, "the old file is untouched"
    assert sorted(p.name for p in out.iterdir()) == ALL_FILES, "no temporary file left behind"


def test_warehouse_is_only_read(warehouse: Path, tmp_path: Path) -> None:
    digest = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    export_campaigns(warehouse, tmp_path / "out")
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == digest


def test_default_export_dir_reads_the_dbt_var(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text(
        "name: x\nvars:\n  retail_recs__campaign_export_path: out/campaigns\n"
    )
    assert default_export_dir(tmp_path) == Path("out/campaigns")
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars:\n  other: 1\n")
    assert default_export_dir(tmp_path) == Path("exports")
