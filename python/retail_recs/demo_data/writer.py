"""Output schemas, fast text formatting of ids and timestamps, and deterministic Parquet writing.

Ids and timestamps are fixed-width text, so they are built as byte matrices in numpy and
handed to Arrow as one buffer: no per-row Python. Parquet settings are pinned so the same
input gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import (
    BOT_PREFIX,
    BOT_USER_OFFSET,
    BOT_WIDTH,
    CHANNELS,
    EVENT_PREFIX,
    EVENT_WIDTH,
    ITEM_PREFIX,
    ITEM_WIDTH,
    ORDER_PREFIX,
    ORDER_WIDTH,
    QUANTITY_NULL,
    SECONDS_PER_DAY,
    SESSION_PREFIX,
    SESSION_WIDTH,
    USER_PREFIX,
    USER_WIDTH,
)
from .events import (
    EVENT_TYPE_TEXTS,
    NON_PRODUCT_ITEMS,
    TS_GARBAGE,
    TS_ISO_PLUS1,
    TS_ISO_Z,
    UNPARSEABLE_TIMESTAMPS,
    EventBlock,
)

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("item_id", pa.string()),
        ("event_type", pa.string()),
        ("event_at", pa.string()),
        ("session_id", pa.string()),
        ("order_id", pa.string()),
        ("quantity", pa.int32()),
        ("unit_price", pa.float64()),
        ("channel", pa.string()),
    ]
)
ITEMS_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("name", pa.string()),
        ("category", pa.string()),
        ("brand", pa.string()),
        ("price", pa.float64()),
        ("description", pa.string()),
        ("is_active", pa.bool_()),
    ]
)
CUSTOMERS_SCHEMA = pa.schema(
    [
        ("user_id", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
        ("country", pa.string()),
        ("city", pa.string()),
        ("signup_at", pa.string()),
        ("birth_year", pa.int32()),
        ("gender", pa.string()),
        ("email_opt_in", pa.bool_()),
        ("sms_opt_in", pa.bool_()),
    ]
)
PERSONAS_SCHEMA = pa.schema(
    [
        ("user_id", pa.string()),
        ("persona", pa.string()),
        ("preferred_categories", pa.string()),
        ("active_from", pa.string()),
        ("active_to", pa.string()),
    ]
)
# Real timestamps (not text): these files come from our own systems, not a messy export.
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
ERASURE_SCHEMA = pa.schema([("user_id", pa.string()), ("requested_at", UTC_TIMESTAMP)])
CAMPAIGN_EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("campaign_id", pa.string()),
        ("user_id", pa.string()),
        ("event_type", pa.string()),
        ("event_at", UTC_TIMESTAMP),
        ("order_id", pa.string()),
        ("order_value", pa.float64()),
    ]
)

# Pinned writer settings: same data in, same bytes out.
PARQUET_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "data_page_size": 1 << 20,
    "write_page_index": False,
    "store_schema": True,
}

# Text of every calendar day 1970-01-01 .. 2100-12-31 ('YYYY-MM-DD') and every second of a day
# ('HH:MM:SS'), as byte rows: formatting a timestamp is then two table lookups.
_DATE_BYTES = (
    np.datetime_as_string(np.arange(0, 47_847, dtype="datetime64[D]"))
    .astype("S10")
    .view(np.uint8)
    .reshape(-1, 10)
)
_seconds = np.arange(SECONDS_PER_DAY)
_TIME_BYTES = (
    np.stack(
        [
            _seconds // 36000,
            _seconds // 3600 % 10,
            np.full(SECONDS_PER_DAY, ord(":") - ord("0")),
            _seconds // 600 % 6,
            _seconds // 60 % 10,
            np.full(SECONDS_PER_DAY, ord(":") - ord("0")),
            _seconds % 60 // 10,
            _seconds % 10,
        ],
        axis=1,
    )
    + ord("0")
).astype(np.uint8)


def _strings_from_matrix(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Arrow string array whose row ``i`` is the bytes of ``matrix[i]`` (fixed width)."""
    n, width = matrix.shape
    # int32 offsets: callers pass chunks, far below 2 GiB of text.
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    bitmap = None
    null_count = 0
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix)), bitmap, null_count
    )


def fixed_width_ids(
    prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None
) -> pa.Array:
    """Format ``prefix`` + zero-padded ``numbers`` (``'U0000042'``) without Python loops.

    Parameters
    ----------
    prefix : str
        ASCII prefix.
    numbers : numpy.ndarray
        Non-negative integers below ``10**width`` (ignored where not ``valid``).
    width : int
        Number of digits.
    valid : numpy.ndarray, optional
        Boolean mask; False rows become NULL.

    Returns
    -------
    pyarrow.Array
        string array.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if valid is not None:
        numbers = np.where(valid, numbers, 0)
    if len(numbers) and numbers.max(initial=0) >= 10**width:
        raise ValueError(f"{prefix} ids overflow {width} digits")
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    matrix = np.empty((len(numbers), len(head) + width), dtype=np.uint8)
    matrix[:, : len(head)] = head
    rest = numbers.copy()
    for col in range(len(head) + width - 1, len(head) - 1, -1):
        matrix[:, col] = rest % 10 + 48
        rest //= 10
    return _strings_from_matrix(matrix, valid)


def format_timestamps(
    ts: np.ndarray, sep: str = " ", suffix: str = "", valid: np.ndarray | None = None
) -> pa.Array:
    """Format Unix seconds as ``'YYYY-MM-DD HH:MM:SS'`` (``sep`` between date and time).

    Parameters
    ----------
    ts : numpy.ndarray
        int64 seconds since the epoch, 1970 .. 2100.
    sep : str
        One character between date and time (``' '`` or ``'T'``).
    suffix : str
        Appended text, such as ``'Z'`` or ``'+01:00'``.
    valid : numpy.ndarray, optional
        Boolean mask; False rows become NULL.

    Returns
    -------
    pyarrow.Array
        string array.
    """
    ts = np.asarray(ts, dtype=np.int64)
    day, second = np.divmod(ts, SECONDS_PER_DAY)
    day = np.clip(day, 0, len(_DATE_BYTES) - 1)
    tail = np.frombuffer(suffix.encode("ascii"), dtype=np.uint8)
    matrix = np.empty((len(ts), 19 + len(tail)), dtype=np.uint8)
    matrix[:, :10] = _DATE_BYTES[day]
    matrix[:, 10] = ord(sep)
    matrix[:, 11:19] = _TIME_BYTES[second]
    matrix[:, 19:] = tail
    return _strings_from_matrix(matrix, valid)


def _user_ids(user: np.ndarray) -> pa.Array:
    valid = user >= 0
    bots = user >= BOT_USER_OFFSET
    if not bots.any():
        return fixed_width_ids(USER_PREFIX, user + 1, USER_WIDTH, valid)
    if bots[valid].all():
        return fixed_width_ids(BOT_PREFIX, user - BOT_USER_OFFSET + 1, BOT_WIDTH, valid)
    customers = fixed_width_ids(USER_PREFIX, user + 1, USER_WIDTH, valid & ~bots)
    robots = fixed_width_ids(BOT_PREFIX, user - BOT_USER_OFFSET + 1, BOT_WIDTH, bots)
    return pc.if_else(pa.array(bots), robots, customers)


def _item_ids(item: np.ndarray) -> pa.Array:
    ids = fixed_width_ids(ITEM_PREFIX, item + 1, ITEM_WIDTH, item >= 0)
    special = item <= -2
    if special.any():
        labels = pa.array(NON_PRODUCT_ITEMS, pa.string()).take(pa.array(-2 - item[special]))
        ids = pc.replace_with_mask(ids, pa.array(special), labels)
    return ids


def _event_times(ts: np.ndarray, style: np.ndarray) -> pa.Array:
    text = format_timestamps(ts)
    for code, values in (
        (TS_ISO_Z, lambda rows: format_timestamps(ts[rows], "T", "Z")),
        # Local wall-clock time one hour ahead of UTC, with its offset: the same instant.
        (TS_ISO_PLUS1, lambda rows: format_timestamps(ts[rows] + 3600, "T", "+01:00")),
        (
            TS_GARBAGE,
            lambda rows: pa.array(UNPARSEABLE_TIMESTAMPS, pa.string()).take(
                pa.array(style[rows] - TS_GARBAGE)
            ),
        ),
    ):
        rows = style >= code if code == TS_GARBAGE else style == code
        if rows.any():
            text = pc.replace_with_mask(text, pa.array(rows), values(rows))
    return text


def events_to_table(block: EventBlock) -> pa.Table:
    """Turn an ``EventBlock`` into the raw ``events.parquet`` columns."""
    return pa.table(
        {
            "event_id": fixed_width_ids(
                EVENT_PREFIX, block.event_no, EVENT_WIDTH, block.event_no >= 0
            ),
            "user_id": _user_ids(block.user),
            "item_id": _item_ids(block.item),
            "event_type": pa.array(EVENT_TYPE_TEXTS, pa.string()).take(pa.array(block.etype_text)),
            "event_at": _event_times(block.ts, block.ts_style),
            "session_id": fixed_width_ids(
                SESSION_PREFIX, block.session, SESSION_WIDTH, block.session >= 0
            ),
            "order_id": fixed_width_ids(ORDER_PREFIX, block.order, ORDER_WIDTH, block.order >= 0),
            "quantity": pa.array(block.quantity, pa.int32(), mask=block.quantity == QUANTITY_NULL),
            "unit_price": pa.array(block.price, pa.float64(), mask=np.isnan(block.price)),
            "channel": pa.array(CHANNELS, pa.string()).take(pa.array(block.channel)),
        },
        schema=EVENTS_SCHEMA,
    )


def open_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A ParquetWriter with the pinned settings; each ``write_table`` adds row groups."""
    return pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)


def write_table(path: Path, table: pa.Table) -> None:
    """Write one table in one go with the pinned settings."""
    with open_writer(path, table.schema) as writer:
        writer.write_table(table)
