"""Map the UCI Online Retail file onto the retail_recs input contract.

Usage::

    python -m retail_recs.online_retail --input ../shared/data/online_retail.parquet \\
        --out data/online_retail

writes ``events.parquet``, ``items.parquet`` and ``customers.parquet`` that ``dbt build``
reads with the location vars pointed at ``--out`` (``make online-retail`` does both).

Both published layouts are read, told apart by their columns: Online Retail (UCI id 352;
InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country) and
Online Retail II (UCI id 502, the same shop's 2009-2011 sheets; Invoice, Price and
"Customer ID", the date often as text and the customer id as a decimal). Parquet or CSV.

Mapping:

* every invoice line becomes one event: ``purchase``, or ``return`` when InvoiceNo starts
  with 'C'; ``order_id`` = InvoiceNo, ``quantity`` and ``unit_price`` as published (returns
  keep their negative quantity: staging reads it as units returned);
* lines without CustomerID are guest checkouts: ``user_id`` NULL, kept for basket analysis;
* ``event_id`` is a hash of the whole line, so a line published twice is an exact duplicate
  and staging quarantines the second copy (the file has no line number to tell them apart);
* non-product codes (POST, DOT, M, BANK CHARGES, ...) are kept here and rejected by staging
  with their own reason, so the reconciliation counts every published row;
* items come from StockCode with the most frequent Description as name and the median
  positive UnitPrice as price; an item is active when sold in the last ``ACTIVE_DAYS``;
* customers come from CustomerID with their most frequent Country; no contact details exist.

It also writes ``dbt_vars.json`` with the data set's evaluation protocol, derived from the
file: the last ``TEST_DAYS`` days are the test window (on Online Retail: train before
2011-09-01, test to 2011-12-09), which ``retail_recs.build`` applies.
"""

from __future__ import annotations

import argparse
import json
import logging
from datetime import date, timedelta
from pathlib import Path

import duckdb

from retail_recs.project import DATA_VARS_FILE

logger = logging.getLogger(__name__)

DEFAULT_INPUT = Path("../shared/data/online_retail.parquet")
# Items not sold in the last half year of the file are treated as discontinued.
ACTIVE_DAYS = 180

EVENTS_SQL = """
select
    'OR-' || md5(cast(row(InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
                          UnitPrice, CustomerID, Country) as varchar)) as event_id,
    cast(CustomerID as varchar) as user_id,
    StockCode as item_id,
    case when InvoiceNo like 'C%' then 'return' else 'purchase' end as event_type,
    strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as event_at,
    cast(null as varchar) as session_id,
    InvoiceNo as order_id,
    Quantity as quantity,
    UnitPrice as unit_price,
    'web' as channel
from raw
"""

ITEMS_SQL = f"""
with names as (
    select StockCode, trim(Description) as name, count(*) as n
    from raw
    where nullif(trim(Description), '') is not null
    group by all
),
best_name as (
    select StockCode, arg_max(name, n * 1e9 - length(name)) as name
    from names
    group by StockCode
),
sales as (
    select
        StockCode,
        median(UnitPrice) filter (where UnitPrice > 0 and Quantity > 0) as price,
        max(InvoiceDate) filter (where Quantity > 0) as last_sold_at
    from raw
    group by StockCode
),
file_end as (select max(InvoiceDate) as end_at from raw)
select
    sales.StockCode as item_id,
    best_name.name,
    cast(null as varchar) as category,
    cast(null as varchar) as brand,
    round(sales.price, 2) as price,
    best_name.name as description,
    coalesce(sales.last_sold_at >= file_end.end_at - interval {ACTIVE_DAYS} day, false)
        as is_active
from sales
cross join file_end
left join best_name using (StockCode)
"""

CUSTOMERS_SQL = """
with countries as (
    select CustomerID, Country, count(*) as n, min(InvoiceDate) as first_at
    from raw
    where CustomerID is not null
    group by all
)
select
    cast(CustomerID as varchar) as user_id,
    cast(null as varchar) as email,
    cast(null as varchar) as phone,
    arg_max(Country, n) as country,
    cast(null as varchar) as city,
    cast(null as varchar) as signup_at,
    cast(null as integer) as birth_year,
    cast(null as varchar) as gender,
    cast(null as boolean) as email_opt_in,
    cast(null as boolean) as sms_opt_in
from countries
group by CustomerID
"""


# The evaluation protocol: recommenders replay on purchases before the last TEST_DAYS days of
# the file and are scored on those days (Online Retail: before 2011-09-01, then to 2011-12-09).
TEST_DAYS = 100

# Column names of each published layout, mapped to Online Retail's (the names the SQL uses).
LAYOUTS = {
    "Online Retail": {
        "InvoiceNo": "InvoiceNo",
        "UnitPrice": "UnitPrice",
        "CustomerID": "CustomerID",
    },
    "Online Retail II": {"InvoiceNo": "Invoice", "UnitPrice": "Price", "CustomerID": "Customer ID"},
}
SHARED_COLUMNS = ("StockCode", "Description", "Quantity", "InvoiceDate", "Country")
# Text dates: ISO first, then the month-first form spreadsheets export ('12/1/2009 7:45').
TEXT_DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")


def detect_layout(columns: list[str]) -> str:
    """Which published layout ``columns`` are; an error naming both otherwise."""
    for layout, names in LAYOUTS.items():
        if set(names.values()) | set(SHARED_COLUMNS) <= set(columns):
            return layout
    expected = "; ".join(
        f"{layout}: {', '.join([*names.values(), *SHARED_COLUMNS])}"
        for layout, names in LAYOUTS.items()
    )
    raise ValueError(f"not an Online Retail file: its columns are {columns}; expected {expected}")


def raw_view_sql(relation: str, columns: dict[str, str]) -> str:
    """The file as Online Retail's columns and types (a no-op for that layout, so event ids
    hash the same values): ``columns`` maps each column of the file to its type."""
    names = LAYOUTS[detect_layout(list(columns))]
    date = '"InvoiceDate"'
    if columns["InvoiceDate"].upper() in ("VARCHAR", "TEXT"):
        parsed = [f"try_strptime({date}, '{fmt}')" for fmt in TEXT_DATE_FORMATS]
        date = f"coalesce(try_cast({date} as timestamp), {', '.join(parsed)})"
    return f"""
select
    cast("{names["InvoiceNo"]}" as varchar) as InvoiceNo,
    cast(StockCode as varchar) as StockCode,
    cast(Description as varchar) as Description,
    cast(Quantity as integer) as Quantity,
    cast({date} as timestamp) as InvoiceDate,
    cast("{names["UnitPrice"]}" as double) as UnitPrice,
    cast("{names["CustomerID"]}" as bigint) as CustomerID,
    cast(Country as varchar) as Country
from {relation}
"""


def convert(input_path: Path, out_dir: Path) -> dict[str, int]:
    """Write the three contract files for ``input_path`` into ``out_dir``.

    Returns the row count of each file written.
    """
    if not input_path.exists():
        raise FileNotFoundError(
            f"Online Retail file not found at {input_path}; pass --input with its path "
            "(UCI Machine Learning Repository, data set 352)."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    quoted = str(input_path).replace("'", "''")
    reader = "read_parquet" if input_path.suffix.lower() in (".parquet", ".pq") else "read_csv"
    relation = f"{reader}('{quoted}')"
    described = con.execute(f"describe select * from {relation}").fetchall()
    columns = {name: column_type for name, column_type, *_ in described}
    con.execute(f"create view raw as {raw_view_sql(relation, columns)}")
    counts = {}
    for name, sql in (("events", EVENTS_SQL), ("items", ITEMS_SQL), ("customers", CUSTOMERS_SQL)):
        target = out_dir / f"{name}.parquet"
        con.execute(f"copy ({sql}) to '{target}' (format parquet)")
        counts[name] = con.execute(f"select count(*) from '{target}'").fetchone()[0]
        logger.debug("wrote %s rows to %s", counts[name], target)
    (end_day,) = con.execute("select cast(max(InvoiceDate) as date) from raw").fetchone()
    con.close()
    if end_day is None:
        raise ValueError(f"{input_path} has no readable InvoiceDate: nothing to evaluate on")
    protocol = evaluation_vars(end_day)
    (out_dir / DATA_VARS_FILE).write_text(json.dumps(protocol, indent=2) + "\n")
    return counts


def evaluation_vars(end_day: date) -> dict[str, object]:
    """The evaluation protocol of a file whose last invoice is on ``end_day``: the cutoff
    opens the last TEST_DAYS days (2011-12-09 gives 2011-09-01)."""
    cutoff = end_day - timedelta(days=TEST_DAYS - 1)
    return {
        "retail_recs__eval_cutoff": cutoff.isoformat(),
        "retail_recs__eval_test_days": TEST_DAYS,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="online_retail.parquet")
    parser.add_argument("--out", type=Path, default=Path("data/online_retail"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = convert(args.input, args.out)
    print(", ".join(f"{name}: {n:,} rows" for name, n in counts.items()) + f" -> {args.out}")


if __name__ == "__main__":
    main()
