"""Export each campaign's treatment recipients, with their contact, for the email/SMS tool,
and its holdout, for the warehouse's own campaign_events.

Usage: ``python -m retail_recs.export_campaigns [--db PATH] [--out DIR] [--campaign ID ...]``

writes, for every campaign in ``campaign_audiences`` (or only those named):

- ``<out>/<campaign_id>__<channel>.csv``: one row per eligible treatment recipient, sorted by
  user_id, with columns campaign_id, user_id, email (or phone for SMS), coupon_code,
  offer_type, offer_value, then product_k_item_id, product_k_name, product_k_price,
  product_k_offer_price for k = 1 .. the campaign's product_count (from
  ``campaign_audience_products``, empty where a recipient has fewer products);
- ``<out>/<campaign_id>__holdout.csv``: one ``held_out`` campaign event per eligible control
  member (event_id, campaign_id, user_id, event_type, event_at = starts_on, midnight UTC),
  ready to append to the campaign_events source when the campaign is sent. The tool that
  sends never sees the control group, so only the warehouse can record it; uplift learning
  and the allocation around sent campaigns read it back. No contact is in it.

``--out`` defaults to the dbt var ``retail_recs__campaign_export_path``.

Raw contacts live only in ``pii.pii_customer_contacts``; they are joined in here, at export
time, so no model (and no campaign table) ever carries them. The warehouse is opened
read-only and each file is written whole or not at all (a temporary file, then a rename).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from retail_recs.project import PROJECT_DIR, database_path

EXPORT_PATH_VAR = "retail_recs__campaign_export_path"
DEFAULT_EXPORT_PATH = "exports"
# Contact column of pii.pii_customer_contacts per channel.
CONTACT_COLUMNS: dict[str, str] = {"email": "email", "sms": "phone"}
# Export column suffix -> campaign_audience_products column.
PRODUCT_FIELDS = {
    "item_id": "item_id",
    "name": "item_name",
    "price": "price",
    "offer_price": "offer_price",
}
AUDIENCES = "main.campaign_audiences"
PRODUCTS = "main.campaign_audience_products"
CAMPAIGNS = "main.campaigns"
CONTACTS = "pii.pii_customer_contacts"
# Campaign ids become file names: nothing that could leave the folder or hide the file.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
TREATED = "a.is_eligible and a.experiment_group = 'treatment'"
FETCH_ROWS = 10_000


class ContactError(RuntimeError):
    """Treated recipients without exactly one contact in ``pii.pii_customer_contacts``."""


@dataclass(frozen=True)
class _Export:
    """One file to write."""

    campaign_id: str
    channel: str
    product_count: int

    @property
    def file_name(self) -> str:
        return f"{self.campaign_id}__{self.channel}.csv"

    @property
    def holdout_file_name(self) -> str:
        return f"{self.campaign_id}__holdout.csv"


def default_export_dir(project_dir: Path = PROJECT_DIR) -> Path:
    """The dbt var ``retail_recs__campaign_export_path`` of ``dbt_project.yml`` (``exports``
    when unset), relative to the current directory like every path on the command line."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    value = ((config or {}).get("vars") or {}).get(EXPORT_PATH_VAR)
    return Path(value or DEFAULT_EXPORT_PATH)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }


def _plan(
    con: duckdb.DuckDBPyConnection, db_path: Path, campaign_ids: Sequence[str] | None
) -> list[_Export]:
    """The files to write, checked: known campaigns and channels, safe ids."""
    tables = _tables(con)
    for table in (AUDIENCES, PRODUCTS, CAMPAIGNS, CONTACTS):
        if table not in tables:
            raise LookupError(f"{db_path} has no table {table}: build the campaign models first")
    rows = con.execute(
        f"""
        select a.campaign_id, a.channel, c.campaign_id is not null, c.product_count
        from (select distinct campaign_id, channel from {AUDIENCES}) a
        left join {CAMPAIGNS} c using (campaign_id)
        order by 1, 2
        """
    ).fetchall()
    if campaign_ids is not None:
        unknown = sorted(set(campaign_ids) - {row[0] for row in rows})
        if unknown:
            raise LookupError(f"no campaign {', '.join(unknown)} in {AUDIENCES}")
        rows = [row for row in rows if row[0] in set(campaign_ids)]
    plan = []
    for campaign_id, channel, in_seed, product_count in rows:
        if campaign_id is None or not SAFE_ID.fullmatch(campaign_id):
            raise ValueError(f"campaign id {campaign_id!r} cannot name a file")
        if not in_seed:
            raise LookupError(f"campaign {campaign_id} is in {AUDIENCES} but not in {CAMPAIGNS}")
        if channel not in CONTACT_COLUMNS:
            raise ValueError(
                f"campaign {campaign_id}: unknown channel {channel!r};"
                f" valid: {', '.join(CONTACT_COLUMNS)}"
            )
        plan.append(_Export(campaign_id, channel, product_count or 0))
    return plan


def _check_contacts(con: duckdb.DuckDBPyConnection, plan: list[_Export]) -> None:
    """Every treated recipient of the plan has exactly one contact for its channel.

    Checked for all campaigns before any file is written, so a bad warehouse leaves the
    previous exports in place rather than half of a new set.
    """
    counts = con.execute(
        f"""
        with contacts as (
            select user_id, count(email) as emails, count(phone) as phones
            from {CONTACTS} group by user_id
        ),
        treated as (
            select a.campaign_id, a.channel,
                coalesce(case a.channel when 'email' then c.emails else c.phones end, 0) as n
            from {AUDIENCES} a left join contacts c using (user_id)
            where {TREATED}
        )
        select campaign_id, channel, count(*) filter (where n = 0),
            count(*) filter (where n > 1), count(*)
        from treated group by 1, 2
        """
    ).fetchall()
    problems = {(c, ch): (missing, extra, n) for c, ch, missing, extra, n in counts}
    for export in plan:
        missing, extra, n = problems.get((export.campaign_id, export.channel), (0, 0, 0))
        contact = CONTACT_COLUMNS[export.channel]
        if missing:
            raise ContactError(
                f"campaign {export.campaign_id} ({export.channel}): {missing} of {n} treated"
                f" recipients have no {contact} in {CONTACTS}"
            )
        if extra:
            raise ContactError(
                f"campaign {export.campaign_id} ({export.channel}): {extra} of {n} treated"
                f" recipients have more than one {contact} in {CONTACTS}"
            )


def _query(export: _Export) -> tuple[list[str], str]:
    """Header and SQL (parameters: campaign_id twice, channel) of one export: the long
    product table pivoted into product_k_* columns."""
    contact = CONTACT_COLUMNS[export.channel]
    audience_columns = ["campaign_id", "user_id", "coupon_code", "offer_type", "offer_value"]
    pivot = [
        (f"product_{k}_{field}", f"max(case when product_position = {k} then {column} end)")
        for k in range(1, export.product_count + 1)
        for field, column in PRODUCT_FIELDS.items()
    ]
    header = [*audience_columns[:2], contact, *audience_columns[2:], *(n for n, _ in pivot)]
    selected = [f"a.{name}" for name in audience_columns[:2]] + [f"p.{contact}"]
    selected += [f"a.{name}" for name in audience_columns[2:]]
    selected += [f"m.{name}" for name, _ in pivot]
    pivoted = ", ".join(f"{expression} as {name}" for name, expression in pivot)
    sql = f"""
        with message as (
            select user_id{", " + pivoted if pivoted else ""}
            from {PRODUCTS}
            where campaign_id = ?
            group by user_id
        )
        select {", ".join(selected)}
        from {AUDIENCES} a
        join {CONTACTS} p on p.user_id = a.user_id and p.{contact} is not null
        left join message m on m.user_id = a.user_id
        where a.campaign_id = ? and a.channel = ? and {TREATED}
        order by a.user_id
    """
    return header, sql


def _holdout_query() -> tuple[list[str], str]:
    """Header and SQL (parameter: campaign_id) of a campaign's held_out events."""
    header = ["event_id", "campaign_id", "user_id", "event_type", "event_at"]
    sql = f"""
        select 'held_out:' || campaign_id || ':' || user_id, campaign_id, user_id, 'held_out',
            strftime(starts_on, '%Y-%m-%dT00:00:00Z')
        from {AUDIENCES}
        where campaign_id = ? and is_eligible and experiment_group = 'control'
        order by user_id
    """
    return header, sql


def _write_csv(
    con: duckdb.DuckDBPyConnection, header: list[str], sql: str, params: list, path: Path
) -> int:
    """Write a query's rows to a temporary file beside ``path``, then rename it into place."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    rows = 0
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            cursor = con.execute(sql, params)
            while batch := cursor.fetchmany(FETCH_ROWS):
                writer.writerows(batch)
                rows += len(batch)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return rows


def export_campaigns(
    db_path: str | Path, out_dir: str | Path, campaign_ids: Sequence[str] | None = None
) -> list[tuple[Path, int]]:
    """Write one CSV per campaign and channel, and one of its holdout; see the module
    docstring for the columns.

    Parameters
    ----------
    db_path : str or pathlib.Path
        The warehouse (opened read-only).
    out_dir : str or pathlib.Path
        Folder for the files (created); existing files of the same name are replaced.
    campaign_ids : sequence of str, optional
        Export only these campaigns (default: every campaign in ``campaign_audiences``).

    Returns
    -------
    list of (pathlib.Path, int)
        Each file written and its number of data rows, the message file then the holdout
        file of each campaign (one without eligible members of a group gets a header-only
        file).

    Raises
    ------
    FileNotFoundError
        No warehouse at ``db_path``.
    LookupError
        A table is missing, or a named campaign is not in ``campaign_audiences``.
    ContactError
        A treated recipient has no contact (or more than one) for the channel; nothing is
        written then.
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `make demo` first")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        plan = _plan(con, db_path, campaign_ids)
        _check_contacts(con, plan)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for export in plan:
            message = out_dir / export.file_name
            header, sql = _query(export)
            params = [export.campaign_id, export.campaign_id, export.channel]
            written.append((message, _write_csv(con, header, sql, params, message)))
            holdout = out_dir / export.holdout_file_name
            header, sql = _holdout_query()
            written.append((holdout, _write_csv(con, header, sql, [export.campaign_id], holdout)))
        return written
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    """Export, print one line per file; 2 when the warehouse or its tables are missing."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_recs.export_campaigns", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--db", type=Path, default=None, help="default: RETAIL_RECS_DB")
    parser.add_argument(
        "--out", type=Path, default=None, help=f"default: dbt var {EXPORT_PATH_VAR}"
    )
    parser.add_argument(
        "--campaign",
        nargs="+",
        action="extend",
        default=None,
        metavar="ID",
        help="only these campaigns (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        written = export_campaigns(
            args.db or database_path(), args.out or default_export_dir(), args.campaign
        )
    except (FileNotFoundError, LookupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ContactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path, rows in written:
        print(f"{path}: {rows:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
