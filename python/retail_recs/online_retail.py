"""Map the UCI Online Retail file onto the retail_recs input contract.

Usage::

    python -m retail_recs.online_retail --input ../shared/data/online_retail.parquet \\
        --out data/online_retail

writes ``events.parquet``, ``items.parquet`` and ``customers.parquet`` that ``dbt build``
reads with the location vars pointed at ``--out`` (``make online-retail`` does both).

Mapping (UCI id 352; columns InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
UnitPrice, CustomerID, Country):

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

It also writes ``dbt_vars.json`` with the data set's evaluation protocol (``EVALUATION_VARS``:
train before 2011-09-01, test on the rest), which ``retail_recs.build`` applies.
"""

from __future__ import annotations

import argparse
import json
import logging
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


# The benchmark protocol for Online Retail: recommenders replay on purchases before
# 2011-09-01 and are scored on what customers bought from then to the end (2011-12-09).
EVALUATION_VARS = {"retail_recs__eval_cutoff": "2011-09-01", "retail_recs__eval_test_days": 100}


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
    con.execute(f"create view raw as select * from read_parquet('{quoted}')")
    counts = {}
    for name, sql in (("events", EVENTS_SQL), ("items", ITEMS_SQL), ("customers", CUSTOMERS_SQL)):
        target = out_dir / f"{name}.parquet"
        con.execute(f"copy ({sql}) to '{target}' (format parquet)")
        counts[name] = con.execute(f"select count(*) from '{target}'").fetchone()[0]
        logger.debug("wrote %s rows to %s", counts[name], target)
    con.close()
    (out_dir / DATA_VARS_FILE).write_text(json.dumps(EVALUATION_VARS, indent=2) + "\n")
    return counts


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
