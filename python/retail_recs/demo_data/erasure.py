"""Right-to-erasure requests: a few customers who asked for their data to be deleted.

Only spotless customers are chosen (no planted defect in any of their rows, valid contacts,
at least one purchase), so erasing them removes clean rows only and every planted-defect
count of the ground truth stays valid for a warehouse that honours the requests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .config import PURCHASE, SECONDS_PER_DAY, SPAN_END_TS, USER_PREFIX, USER_WIDTH
from .customers import INVALID_EMAILS, INVALID_PHONES
from .events import EventBlock
from .writer import ERASURE_SCHEMA, fixed_width_ids

logger = logging.getLogger(__name__)

ERASURE_FILE = "erasure_requests.parquet"
ERASURE_RATE = 0.003  # of the distinct customers
MIN_ERASURES = 2
# Requests arrive in the last days of the data span.
ERASURE_WINDOW_DAYS = 30


@dataclass
class ErasureCandidates:
    """Spotless customers found so far, chunk by chunk, with their row counts.

    Attributes
    ----------
    codes : list of numpy.ndarray
        Customer codes (user id = code + 1).
    event_rows, customer_rows : list of numpy.ndarray
        Rows of each candidate in ``events.parquet`` and ``customers.parquet``.
    """

    codes: list[np.ndarray] = field(default_factory=list)
    event_rows: list[np.ndarray] = field(default_factory=list)
    customer_rows: list[np.ndarray] = field(default_factory=list)

    def add_chunk(self, clean: EventBlock, dirty: EventBlock, profiles: pa.Table) -> None:
        """Record the spotless customers of one chunk.

        Parameters
        ----------
        clean : EventBlock
            The chunk's clean rows, numbered (event, session and order numbers final).
        dirty : EventBlock
            The dirty rows planted from them.
        profiles : pyarrow.Table
            The chunk's customer rows, planted duplicates included.
        """
        tainted = _tainted_users(clean, dirty)
        profile_codes = np.array(
            [int(u[len(USER_PREFIX) :]) - 1 for u in profiles.column("user_id").to_pylist()]
        )
        codes, n_profiles = np.unique(profile_codes, return_counts=True)
        contacts = zip(
            profiles.column("email").to_pylist(), profiles.column("phone").to_pylist(), strict=True
        )
        valid = np.array([_valid_contact(*pair) for pair in contacts], dtype=bool)
        bad_contact = profile_codes[~valid]
        known = clean.user >= 0
        buyers = np.unique(clean.user[known & (clean.etype == PURCHASE)])
        keep = (
            (n_profiles == 1)
            & ~np.isin(codes, tainted)
            & ~np.isin(codes, bad_contact)
            & np.isin(codes, buyers)
        )
        users, n_events = np.unique(clean.user[known], return_counts=True)
        self.codes.append(codes[keep])
        self.event_rows.append(n_events[np.searchsorted(users, codes[keep])])
        self.customer_rows.append(n_profiles[keep])


def _valid_contact(email: str | None, phone: str | None) -> bool:
    """Neither contact is one of the planted invalid values."""
    return email not in (None, *INVALID_EMAILS) and phone not in (None, *INVALID_PHONES)


def _tainted_users(clean: EventBlock, dirty: EventBlock) -> np.ndarray:
    """Customers who own a dirty row, or the session, order or event a dirty row came from.

    Dirty rows without a user (``missing_user_id``) still carry their source's session, so a
    cleaner could trace them back; their owner counts as tainted too.
    """
    touched = np.zeros(len(clean), dtype=bool)
    for column in ("event_no", "session", "order"):
        values = getattr(dirty, column)
        touched |= np.isin(getattr(clean, column), values[values >= 0])
    users = np.concatenate((dirty.user, clean.user[touched]))
    return np.unique(users[users >= 0])


def choose_erasures(
    candidates: ErasureCandidates, n_customers: int, rng: np.random.Generator
) -> tuple[pa.Table, dict[str, object]]:
    """Pick the customers to erase and date their requests.

    ``max(MIN_ERASURES, round(ERASURE_RATE x n_customers))`` of the candidates, each with a
    request time drawn uniformly (to the second) from the last ``ERASURE_WINDOW_DAYS`` of the
    span.

    Parameters
    ----------
    candidates : ErasureCandidates
        Spotless customers of every chunk.
    n_customers : int
        Distinct customers in the data set.
    rng : numpy.random.Generator
        The erasure stream.

    Returns
    -------
    tuple
        ``(table in ERASURE_SCHEMA sorted by user_id, ground-truth entry)``; the entry holds
        ``user_ids`` (sorted), ``customer_rows`` and ``event_rows`` (rows of those users in
        ``customers.parquet`` and ``events.parquet``).
    """
    codes = np.concatenate(candidates.codes)
    wanted = max(MIN_ERASURES, round(ERASURE_RATE * n_customers))
    k = min(wanted, len(codes))
    if k < wanted:
        logger.warning("only %d of %d erasure requests could be planted", k, wanted)
    chosen = np.sort(rng.choice(len(codes), size=k, replace=False))
    first = SPAN_END_TS - ERASURE_WINDOW_DAYS * SECONDS_PER_DAY + 1
    seconds = rng.integers(first, SPAN_END_TS + 1, k)
    user_ids = fixed_width_ids(USER_PREFIX, codes[chosen] + 1, USER_WIDTH)
    table = pa.table(
        {
            "user_id": user_ids,
            "requested_at": pa.array(seconds * 1_000_000, pa.int64()).cast(
                ERASURE_SCHEMA.field("requested_at").type
            ),
        },
        schema=ERASURE_SCHEMA,
    )
    truth = {
        "user_ids": user_ids.to_pylist(),
        "customer_rows": int(np.concatenate(candidates.customer_rows)[chosen].sum()),
        "event_rows": int(np.concatenate(candidates.event_rows)[chosen].sum()),
    }
    return table, truth
