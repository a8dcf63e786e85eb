"""Customers: who they are (persona, preferences, active window) and their CRM profile rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .config import (
    CHANNELS,
    SECONDS_PER_DAY,
    SPAN_START_TS,
    USER_PREFIX,
    USER_WIDTH,
)
from .personas import (
    BIRTH_YEAR_MEAN,
    BIRTH_YEAR_SD,
    CATEGORY_AFFINITY,
    EMAIL_OPT_IN,
    INTENSITY_SHAPE,
    PERSONA_NAMES,
    PERSONAS,
    SECOND_CATEGORY_PROB,
    SHARES,
    allocate,
)
from .taxonomy import TOP_CATEGORIES
from .writer import CUSTOMERS_SCHEMA, PERSONAS_SCHEMA, fixed_width_ids, format_timestamps

logger = logging.getLogger(__name__)

CHANNEL_SHARE = np.array([0.55, 0.35, 0.10])  # preferred channel: web, app, store
# (country, weight, cities, phone formats). Phone formats are filled from 8 digits that
# encode the customer number, so every customer's phone is unique; the numbers are
# fictional (UK 07700 900xxx-style drama ranges, US 555).
COUNTRIES: tuple[tuple[str, float, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "United Kingdom",
        0.55,
        ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Edinburgh"),
        ("+44 77{0} {1}", "077{0} {1}", "(020) 7{2} {3}"),
    ),
    ("Ireland", 0.06, ("Dublin", "Cork", "Galway"), ("+353 8{4} {5} {6}",)),
    ("Germany", 0.07, ("Berlin", "Munich", "Hamburg", "Cologne"), ("+49 15{4} {7}",)),
    ("France", 0.07, ("Paris", "Lyon", "Marseille", "Toulouse"), ("+33 6 {0} {8} {9}",)),
    ("Netherlands", 0.05, ("Amsterdam", "Rotterdam", "Utrecht"), ("+31 6 {0}{1}",)),
    ("Spain", 0.05, ("Madrid", "Barcelona", "Valencia", "Seville"), ("+34 6{0} {10} {11}",)),
    ("Italy", 0.04, ("Rome", "Milan", "Turin", "Naples"), ("+39 3{0} {10} {11}",)),
    ("United States", 0.05, ("New York", "Chicago", "Austin", "Seattle"), ("+1-555-{12}-{13}",)),
    ("Australia", 0.03, ("Sydney", "Melbourne", "Brisbane"), ("+61 4{0} {10} {11}",)),
    ("Sweden", 0.03, ("Stockholm", "Gothenburg", "Malmo"), ("+46 70 {0}{1}",)),
)
FIRST_NAMES: tuple[str, ...] = (
    "olivia", "amelia", "isla", "ava", "mia", "ivy", "lily", "freya", "grace", "sophia",
    "emily", "chloe", "noah", "oliver", "george", "arthur", "leo", "harry", "oscar", "jack",
    "charlie", "theo", "henry", "james", "lucas", "ella", "hannah", "maya", "aisha", "omar",
    "sam", "alex", "priya", "raj", "sean", "niamh", "lukas", "marie", "sofia", "mateo",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel",
    "wright", "walker", "evans", "thomas", "roberts", "khan", "lewis", "hughes", "clarke",
    "murphy", "kelly", "muller", "schmidt", "dubois", "martin", "garcia", "rossi", "jansen",
    "nilsson", "oconnor", "singh", "ahmed", "turner", "hill", "scott", "green", "baker",
)  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
INVALID_EMAIL_RATE = 0.02
INVALID_EMAILS: tuple[str, ...] = ("n/a", "john.doe@", "", "none", "jane at example.com")
INVALID_PHONE_RATE = 0.02
INVALID_PHONES: tuple[str, ...] = ("12", "none", "", "000", "n/a")
BIRTH_YEAR_RANGE = (1945, 2006)
BIRTH_YEAR_NULL_RATE = 0.05
GENDERS: tuple[str, ...] = ("female", "male", "other")
GENDER_SHARE = np.array([0.52, 0.45, 0.03])
GENDER_NULL_RATE = 0.05
SMS_OPT_IN_RATE = 0.30
# Accounts of customers active since launch were opened up to this many days before it.
MAX_TENURE_DAYS_AT_LAUNCH = 6 * 365
# Later joiners sign up shortly before their first visit (mean, in seconds).
SIGNUP_LEAD_MEAN_S = 2 * SECONDS_PER_DAY
CUSTOMER_DUPLICATE_RATE = 0.005
CUSTOMER_REPEATED_ID_RATE = 0.002


@dataclass(frozen=True)
class CustomerChunk:
    """Behavioural attributes of one chunk of customers.

    Attributes
    ----------
    code : numpy.ndarray
        Global customer codes (user id = code + 1).
    persona : numpy.ndarray
        Persona code (index into ``PERSONAS``).
    pref1, pref2 : numpy.ndarray
        Preferred top categories; ``pref2`` is -1 for one-category customers.
    first_day, last_day : numpy.ndarray
        Inclusive active window, as day indices into the span.
    intensity : numpy.ndarray
        Gamma-distributed activity multiplier (mean 1).
    channel : numpy.ndarray
        Preferred channel code.
    """

    code: np.ndarray
    persona: np.ndarray
    pref1: np.ndarray
    pref2: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    intensity: np.ndarray
    channel: np.ndarray

    @property
    def n(self) -> int:
        """Number of customers in the chunk."""
        return len(self.code)


def _gumbel_argmax(log_weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of ``log_weights`` (Gumbel-max trick)."""
    return np.argmax(log_weights + rng.gumbel(size=log_weights.shape), axis=1)


def draw_customers(first_code: int, n: int, rng: np.random.Generator) -> CustomerChunk:
    """Draw the behavioural attributes of customers ``first_code .. first_code + n - 1``.

    Parameters
    ----------
    first_code : int
        Global code of the chunk's first customer.
    n : int
        Chunk size.
    rng : numpy.random.Generator
        The chunk's customer stream.

    Returns
    -------
    CustomerChunk
        The chunk.
    """
    # Exact persona proportions per chunk: fewer random swings in activity and segments.
    persona = rng.permutation(np.repeat(np.arange(len(PERSONAS)), allocate(n, SHARES)))
    with np.errstate(divide="ignore"):
        log_aff = np.log(CATEGORY_AFFINITY[persona])
    pref1 = _gumbel_argmax(log_aff, rng)
    log_aff[np.arange(n), pref1] = -np.inf
    pref2 = _gumbel_argmax(log_aff, rng)
    pref2[rng.random(n) >= SECOND_CATEGORY_PROB] = -1

    first_day = np.zeros(n, dtype=np.int64)
    last_day = np.zeros(n, dtype=np.int64)
    late_u, first_u, last_u = rng.random(n), rng.random(n), rng.random(n)
    for code, p in enumerate(PERSONAS):
        rows = persona == code
        late = rows & (late_u >= p.start_at_launch)
        span = p.start_days[1] - p.start_days[0] + 1
        first_day[late] = p.start_days[0] + (first_u[late] * span).astype(np.int64)
        span = p.end_days[1] - p.end_days[0] + 1
        last_day[rows] = p.end_days[0] + (last_u[rows] * span).astype(np.int64)
    last_day = np.maximum(last_day, first_day)

    intensity = rng.gamma(INTENSITY_SHAPE, 1.0 / INTENSITY_SHAPE, n)
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_SHARE)
    return CustomerChunk(
        code=np.arange(first_code, first_code + n, dtype=np.int64),
        persona=persona,
        pref1=pref1,
        pref2=pref2,
        first_day=first_day,
        last_day=last_day,
        intensity=intensity,
        channel=channel,
    )


def _emails(number: np.ndarray, rng: np.random.Generator) -> list[str]:
    n = len(number)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    style = rng.integers(0, 4, n)
    domain = rng.integers(0, len(EMAIL_DOMAINS), n)
    out = []
    for i in range(n):
        f, s, k, d = FIRST_NAMES[first[i]], LAST_NAMES[last[i]], number[i], EMAIL_DOMAINS[domain[i]]
        # The customer number in the local part keeps every address unique.
        local = (f"{f}.{s}{k}", f"{f[0]}{s}{k}", f"{f}_{s}_{k}", f"{s}.{f}.{k}")[style[i]]
        out.append(f"{local}@{d}")
    return out


def _phones(number: np.ndarray, country: np.ndarray, rng: np.random.Generator) -> list[str]:
    pick = rng.random(len(number))
    out = []
    for k, c, u in zip(number, country, pick, strict=True):
        d = f"{k:08d}"
        parts = (
            d[:2], d[2:], d[1:4], d[4:], d[:1], d[1:4], d[4:], d[1:],
            d[2:5], d[5:], d[2:5], d[5:], d[1:4], d[4:],
        )  # fmt: skip
        formats = COUNTRIES[c][3]
        out.append(formats[int(u * len(formats))].format(*parts))
    return out


def profile_table(
    chunk: CustomerChunk, first_event_ts: np.ndarray, rng: np.random.Generator
) -> pa.Table:
    """CRM rows of a chunk (one per customer, before planted defects).

    Parameters
    ----------
    chunk : CustomerChunk
        The customers.
    first_event_ts : numpy.ndarray
        Each customer's first clean event (Unix seconds); signup is never later.
    rng : numpy.random.Generator
        The chunk's profile stream.

    Returns
    -------
    pyarrow.Table
        Rows in ``CUSTOMERS_SCHEMA``.
    """
    n = chunk.n
    number = chunk.code + 1
    weights = np.array([c[1] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())
    city_u = rng.random(n)
    cities = [
        COUNTRIES[c][2][int(u * len(COUNTRIES[c][2]))] for c, u in zip(country, city_u, strict=True)
    ]
    emails = _emails(number, rng)
    phones = _phones(number, country, rng)
    bad_email = rng.random(n) < INVALID_EMAIL_RATE
    bad_phone = rng.random(n) < INVALID_PHONE_RATE
    bad_email_text = rng.integers(0, len(INVALID_EMAILS), n)
    bad_phone_text = rng.integers(0, len(INVALID_PHONES), n)
    for i in np.flatnonzero(bad_email):
        emails[i] = INVALID_EMAILS[bad_email_text[i]]
    for i in np.flatnonzero(bad_phone):
        phones[i] = INVALID_PHONES[bad_phone_text[i]]

    launch = chunk.first_day == 0
    lead = np.where(
        launch,
        rng.integers(SECONDS_PER_DAY, MAX_TENURE_DAYS_AT_LAUNCH * SECONDS_PER_DAY, n),
        rng.exponential(SIGNUP_LEAD_MEAN_S, n).astype(np.int64) + 60,
    )
    window_start = SPAN_START_TS + chunk.first_day * SECONDS_PER_DAY
    signup = np.minimum(first_event_ts, window_start) - lead

    birth = np.rint(BIRTH_YEAR_MEAN[chunk.persona] + BIRTH_YEAR_SD * rng.standard_normal(n))
    birth = np.clip(birth, *BIRTH_YEAR_RANGE).astype(np.int32)
    birth_null = rng.random(n) < BIRTH_YEAR_NULL_RATE
    gender = rng.choice(len(GENDERS), size=n, p=GENDER_SHARE)
    gender_null = rng.random(n) < GENDER_NULL_RATE
    email_opt_in = rng.random(n) < EMAIL_OPT_IN[chunk.persona]
    sms_opt_in = rng.random(n) < SMS_OPT_IN_RATE
    return pa.table(
        {
            "user_id": fixed_width_ids(USER_PREFIX, number, USER_WIDTH),
            "email": pa.array(emails, pa.string()),
            "phone": pa.array(phones, pa.string()),
            "country": pa.array([COUNTRIES[c][0] for c in country], pa.string()),
            "city": pa.array(cities, pa.string()),
            "signup_at": format_timestamps(signup),
            "birth_year": pa.array(birth, pa.int32(), mask=birth_null),
            "gender": pa.array(GENDERS, pa.string()).take(pa.array(gender, mask=gender_null)),
            "email_opt_in": pa.array(email_opt_in),
            "sms_opt_in": pa.array(sms_opt_in),
        },
        schema=CUSTOMERS_SCHEMA,
    )


def add_profile_defects(
    table: pa.Table, n_duplicates: int, n_repeated: int, rng: np.random.Generator
) -> pa.Table:
    """Insert exact duplicate rows and same-user_id rows with a changed city.

    Each planted row follows its source row, as a re-export or an update appended to the
    extract would. The changed city is another city of the same country, so content differs.

    Parameters
    ----------
    table : pyarrow.Table
        Clean profile rows.
    n_duplicates, n_repeated : int
        How many of each to plant (sources are distinct rows).
    rng : numpy.random.Generator
        The chunk's profile stream.

    Returns
    -------
    pyarrow.Table
        The table with the planted rows.
    """
    n = table.num_rows
    sources = rng.choice(n, size=n_duplicates + n_repeated, replace=False)
    dup_src, rep_src = sources[:n_duplicates], sources[n_duplicates:]
    countries = table.column("country").to_pylist()
    cities = table.column("city").to_pylist()
    names = [c[0] for c in COUNTRIES]
    new_city = []
    for i in rep_src:
        options = [c for c in COUNTRIES[names.index(countries[i])][2] if c != cities[i]]
        new_city.append(options[int(rng.integers(0, len(options)))])
    source = np.concatenate((np.arange(n), dup_src, rep_src))
    kind = np.concatenate((np.zeros(n), np.ones(n_duplicates), np.full(n_repeated, 2)))
    order = np.lexsort((kind, source))
    out = table.take(pa.array(source[order]))
    city = out.column("city").to_pylist()
    for pos, value in zip(np.flatnonzero(kind[order] == 2), new_city, strict=True):
        city[pos] = value
    return out.set_column(4, "city", pa.array(city, pa.string()))


def persona_table(chunk: CustomerChunk) -> pa.Table:
    """Ground-truth persona rows of a chunk (``customer_personas.parquet``)."""
    names = np.array(PERSONA_NAMES, dtype=object)[chunk.persona]
    prefs = [
        TOP_CATEGORIES[a] if b < 0 else f"{TOP_CATEGORIES[a]}|{TOP_CATEGORIES[b]}"
        for a, b in zip(chunk.pref1, chunk.pref2, strict=True)
    ]
    day0 = np.datetime64("2024-01-01", "D")
    return pa.table(
        {
            "user_id": fixed_width_ids(USER_PREFIX, chunk.code + 1, USER_WIDTH),
            "persona": pa.array(names.tolist(), pa.string()),
            "preferred_categories": pa.array(prefs, pa.string()),
            "active_from": pa.array(np.datetime_as_string(day0 + chunk.first_day).tolist()),
            "active_to": pa.array(np.datetime_as_string(day0 + chunk.last_day).tolist()),
        },
        schema=PERSONAS_SCHEMA,
    )
