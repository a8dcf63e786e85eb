"""A column-oriented, numeric block of event rows, and the string tables its codes refer to.

The simulation and the defect injection work on integer codes (fast, vectorized); the
writer turns a block into the raw text columns of ``events.parquet`` in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from .config import ADD_TO_CART, CANONICAL_EVENT_TYPES, PURCHASE, RETURN, VIEW

# Items: codes >= 0 are catalogue items (or, beyond the catalogue, unknown ids); -1 is NULL;
# codes <= -2 index NON_PRODUCT_ITEMS (postage, fees: lines that are not products).
ITEM_NULL = -1
NON_PRODUCT_ITEMS: tuple[str, ...] = ("POST", "DOT", "M", "C2", "BANK CHARGES", "AMAZONFEE")

# Spellings of event_type. Codes 0-3 are the canonical types; then the valid variants a
# cleaner must map (padding, case, synonyms); then invalid values; the last entry is NULL.
VALID_TYPE_VARIANTS: dict[int, tuple[str, ...]] = {
    VIEW: ("  View ", "VIEW", "View", "pageview", "page_view", "product_view"),
    ADD_TO_CART: ("Add_To_Cart", "ADD_TO_CART ", "addtocart", "add-to-cart"),
    PURCHASE: ("Purchase", "PURCHASE ", "order", "buy"),
    RETURN: ("Return", " RETURN", "refund"),
}
INVALID_EVENT_TYPES: tuple[str | None, ...] = (
    "hover",
    "scroll",
    "wishlist_share",
    "",
    "unknown",
    None,
)
EVENT_TYPE_TEXTS: tuple[str | None, ...] = (
    *CANONICAL_EVENT_TYPES,
    *(v for k in sorted(VALID_TYPE_VARIANTS) for v in VALID_TYPE_VARIANTS[k]),
    *INVALID_EVENT_TYPES,
)


def _variant_codes() -> dict[int, np.ndarray]:
    codes, next_code = {}, len(CANONICAL_EVENT_TYPES)
    for canonical in sorted(VALID_TYPE_VARIANTS):
        n = len(VALID_TYPE_VARIANTS[canonical])
        codes[canonical] = np.arange(next_code, next_code + n)
        next_code += n
    return codes


# Codes (indices into EVENT_TYPE_TEXTS) of each canonical type's variants, and of the invalid.
VARIANT_CODES: dict[int, np.ndarray] = _variant_codes()
INVALID_TYPE_CODES = (
    len(EVENT_TYPE_TEXTS) - len(INVALID_EVENT_TYPES) + np.arange(len(INVALID_EVENT_TYPES))
)

# Timestamp styles: plain 'YYYY-MM-DD HH:MM:SS' UTC; ISO with 'Z'; ISO as local time at
# +01:00 (same instant); codes from TS_GARBAGE on index UNPARSEABLE_TIMESTAMPS.
TS_PLAIN, TS_ISO_Z, TS_ISO_PLUS1, TS_GARBAGE = 0, 1, 2, 3
UNPARSEABLE_TIMESTAMPS: tuple[str, ...] = (
    "not a date",
    "2024-13-45 25:61:00",
    "31/02/2024",
    "",
    "2025-02-30 12:00:00",
    "N/A",
)


@dataclass
class EventBlock:
    """Event rows as parallel numpy columns (one row per index).

    Attributes
    ----------
    event_no : numpy.ndarray
        int64 event number (id ``E`` + number); -1 means NULL.
    user : numpy.ndarray
        int64 customer code (id = code + 1), ``BOT_USER_OFFSET + k`` for bots, -1 for NULL.
    item : numpy.ndarray
        int64 item code, see ``ITEM_NULL`` and ``NON_PRODUCT_ITEMS``.
    etype : numpy.ndarray
        int8 canonical event type (VIEW, ADD_TO_CART, PURCHASE, RETURN).
    etype_text : numpy.ndarray
        int16 index into ``EVENT_TYPE_TEXTS``: how the type is spelled in the file.
    ts : numpy.ndarray
        int64 seconds since the Unix epoch (UTC).
    ts_style : numpy.ndarray
        int16 ``TS_*`` style; ``TS_GARBAGE + j`` writes ``UNPARSEABLE_TIMESTAMPS[j]``.
    session, order : numpy.ndarray
        int64 session / order numbers, -1 for NULL.
    quantity : numpy.ndarray
        int32 units, ``QUANTITY_NULL`` for NULL.
    price : numpy.ndarray
        float64 unit price, NaN for NULL.
    channel : numpy.ndarray
        int8 index into ``CHANNELS``.
    """

    event_no: np.ndarray
    user: np.ndarray
    item: np.ndarray
    etype: np.ndarray
    etype_text: np.ndarray
    ts: np.ndarray
    ts_style: np.ndarray
    session: np.ndarray
    order: np.ndarray
    quantity: np.ndarray
    price: np.ndarray
    channel: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: np.ndarray) -> EventBlock:
        """Rows at ``index`` (a copy)."""
        return EventBlock(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def with_columns(self, **columns: np.ndarray) -> EventBlock:
        """A block sharing this one's columns except the ones given."""
        return replace(self, **columns)

    @staticmethod
    def concat(blocks: list[EventBlock]) -> EventBlock:
        """Rows of ``blocks`` one after another."""
        return EventBlock(
            **{
                f.name: np.concatenate([getattr(b, f.name) for b in blocks])
                for f in fields(EventBlock)
            }
        )
