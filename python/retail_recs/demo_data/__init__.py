"""Deterministic synthetic retail data with planted structure and planted defects.

``python -m retail_recs.demo_data --out data/demo --customers 5000 --items 2000
--events 300000 --seed 42`` (the defaults) writes into ``--out``:

- ``events.parquet``: event_id, user_id, item_id, event_type, event_at, session_id, order_id
  (all text), quantity (int32), unit_price (float64), channel (text). ``event_at`` is UTC text
  'YYYY-MM-DD HH:MM:SS'; about 1% of valid rows use ISO 'YYYY-MM-DDTHH:MM:SSZ' or local time
  with '+01:00' (the same instant). Views have NULL quantity and unit_price, carts quantity 1.
- ``items.parquet``: item_id, name, category ('Top > Leaf'), brand, price, description,
  is_active.
- ``customers.parquet``: user_id, email, phone, country, city, signup_at, birth_year, gender,
  email_opt_in, sms_opt_in.
- ``erasure_requests.parquet``: user_id (text), requested_at (timestamp, UTC) in the last 30
  days of the span: about 0.3% of the customers (at least 2), chosen among those without any
  planted defect, so erasing them leaves every planted-defect count valid.
- ``campaign_events.parquet``: event_id, campaign_id, user_id, event_type, order_id (text),
  event_at (timestamp, UTC), order_value (float64). Written empty: responses exist only after
  a campaign was sent; ``python -m retail_recs.demo_data.responses`` simulates them from a
  built warehouse and overwrites this file (see ``responses``).
- ``customer_personas.parquet``: the planted persona of every customer (ground truth).
- ``ground_truth.json``: exact counts of every planted defect, what was planted and who asked
  to be erased (``erasure_requests``: user_ids, customer_rows, event_rows); read it with
  :func:`load_ground_truth`.

Ids: users 'U0000001', bots 'B000001', items 'I000001', events 'E0000000001', sessions
'S0000000001', orders 'O000000001'. The same arguments always give byte-identical Parquet files.

Modules, one job each: ``taxonomy`` (word lists), ``catalog`` (items, groups, consumables),
``personas`` and ``seasonality`` (behaviour parameters), ``customers`` (customer attributes
and CRM rows), ``behaviour`` (clean sessions and orders), ``bots``, ``dirty`` (planted defects
and valid messiness), ``events`` and ``writer`` (row encoding, schemas, Parquet),
``erasure`` (erasure requests), ``generator`` (orchestration) and ``ground_truth``;
``responses`` simulates the replies to a sent campaign (reads a warehouse, not run by
``generate``).
"""

from .config import (
    DEFAULT_CUSTOMERS,
    DEFAULT_EVENTS,
    DEFAULT_ITEMS,
    DEFAULT_OUT,
    DEFAULT_SEED,
    SPAN_END,
    SPAN_START,
)
from .dirty import DIRTY_RATES, DIRTY_REASONS, VALID_MESSINESS_RATES
from .erasure import ERASURE_FILE, ERASURE_RATE
from .events import INVALID_EVENT_TYPES, NON_PRODUCT_ITEMS, UNPARSEABLE_TIMESTAMPS
from .generator import CAMPAIGN_EVENTS_FILE, CUSTOMERS_FILE, EVENTS_FILE, ITEMS_FILE, generate
from .ground_truth import GROUND_TRUTH_FILE, PERSONAS_FILE, load_ground_truth
from .personas import PERSONA_NAMES
from .writer import (
    CAMPAIGN_EVENTS_SCHEMA,
    CUSTOMERS_SCHEMA,
    ERASURE_SCHEMA,
    EVENTS_SCHEMA,
    ITEMS_SCHEMA,
)

__all__ = [
    "CAMPAIGN_EVENTS_FILE",
    "CAMPAIGN_EVENTS_SCHEMA",
    "CUSTOMERS_FILE",
    "CUSTOMERS_SCHEMA",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_EVENTS",
    "DEFAULT_ITEMS",
    "DEFAULT_OUT",
    "DEFAULT_SEED",
    "DIRTY_RATES",
    "DIRTY_REASONS",
    "ERASURE_FILE",
    "ERASURE_RATE",
    "ERASURE_SCHEMA",
    "EVENTS_FILE",
    "EVENTS_SCHEMA",
    "GROUND_TRUTH_FILE",
    "INVALID_EVENT_TYPES",
    "ITEMS_FILE",
    "ITEMS_SCHEMA",
    "NON_PRODUCT_ITEMS",
    "PERSONAS_FILE",
    "PERSONA_NAMES",
    "SPAN_END",
    "SPAN_START",
    "UNPARSEABLE_TIMESTAMPS",
    "VALID_MESSINESS_RATES",
    "generate",
    "load_ground_truth",
]
