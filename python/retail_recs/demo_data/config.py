"""Constants shared by every part of the generator: sizes, time span, ids and RNG streams.

Everything that shapes the output is a constant here or in the module that uses it, so the
files depend only on the command-line arguments.
"""

from __future__ import annotations

import numpy as np

# --- Command-line defaults ----------------------------------------------------------------------
DEFAULT_OUT = "data/demo"
DEFAULT_CUSTOMERS = 5_000
DEFAULT_ITEMS = 2_000
DEFAULT_EVENTS = 300_000
DEFAULT_SEED = 42
MIN_CUSTOMERS = 50
MIN_ITEMS = 100  # enough for every category, the planted groups and the consumables

# --- Time span of the clean events (UTC) --------------------------------------------------------
SPAN_START = "2024-01-01"
SPAN_END = "2025-12-31"
SECONDS_PER_DAY = 86_400
SPAN_START_TS = 1_704_067_200  # 2024-01-01 00:00:00 UTC, seconds since the Unix epoch
SPAN_DAYS = 731  # 2024 is a leap year
SPAN_END_TS = SPAN_START_TS + SPAN_DAYS * SECONDS_PER_DAY - 1  # 2025-12-31 23:59:59 UTC

# --- Chunking -----------------------------------------------------------------------------------
# Customers are simulated in fixed-size chunks, each with its own RNG, so memory stays bounded
# and the output depends only on the arguments (never on machine or batch sizes).
CUSTOMER_CHUNK_SIZE = 2_500
# The calibration of activity to --events simulates this many leading chunks (see generator).
CALIBRATION_CHUNKS = 2

# --- Identifiers --------------------------------------------------------------------------------
USER_PREFIX, USER_WIDTH = "U", 7
BOT_PREFIX, BOT_WIDTH = "B", 6
ITEM_PREFIX, ITEM_WIDTH = "I", 6
EVENT_PREFIX, EVENT_WIDTH = "E", 10
SESSION_PREFIX, SESSION_WIDTH = "S", 10
ORDER_PREFIX, ORDER_WIDTH = "O", 9
# Bot users share the numeric user column with customers; codes from here on are bots.
BOT_USER_OFFSET = 10**9

# --- Event encodings ----------------------------------------------------------------------------
VIEW, ADD_TO_CART, PURCHASE, RETURN = 0, 1, 2, 3
CANONICAL_EVENT_TYPES: tuple[str, ...] = ("view", "add_to_cart", "purchase", "return")
CHANNELS: tuple[str, ...] = ("web", "app", "store")
QUANTITY_NULL = np.iinfo(np.int32).min  # sentinel for a NULL quantity in numpy columns

# --- RNG streams --------------------------------------------------------------------------------
STREAM_CATALOG = 1
STREAM_CUSTOMERS = 2
STREAM_BEHAVIOUR = 3
STREAM_MESSINESS = 4
STREAM_DIRTY_EVENTS = 5
STREAM_PROFILES = 6
STREAM_BOTS = 7
STREAM_ERASURE = 8
# The campaign response simulator (``responses``): one stream per campaign (index from its
# id), and one for the planted dirty rows.
STREAM_RESPONSES = 9
STREAM_RESPONSE_DIRTY = 10


def stream_rng(seed: int, stream: int, index: int = 0) -> np.random.Generator:
    """Return the independent generator for one purpose (stream) and one chunk (index).

    Parameters
    ----------
    seed : int
        The ``--seed`` argument (non-negative).
    stream : int
        One of the ``STREAM_*`` constants.
    index : int
        Chunk number, or 0 for single-shot streams.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded from ``SeedSequence([seed, stream, index])``.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, stream, index]))
