"""The planted customer segments ("personas") and the behaviour parameters of each.

The personas differ on purpose along the axes a later RFM segmentation looks at: how often
they order (frequency), what an order is worth (monetary), how recently they were active
(recency, lapse) and which categories they shop. Activity levels are relative: the generator
scales all session rates by one factor so the event total matches ``--events``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .taxonomy import TOP_CATEGORIES


@dataclass(frozen=True)
class Persona:
    """Behaviour parameters of one planted segment.

    Attributes
    ----------
    name, description : str
        Identifier (recorded per customer in the ground truth) and a one-line summary.
    share : float
        Fraction of customers with this persona (allocated exactly per chunk).
    orders_per_year, carts_per_year, browses_per_year : float
        Relative rates, while active, of ordering sessions, abandoned-cart sessions and
        browse-only sessions, before the global activity scale.
    min_orders : int
        Floor on the number of orders (everyone is a buyer; keeps frequency bands apart).
    views_per_session : float
        Mean number of browsing views per session besides the viewed basket items.
    extra_lines : float
        Poisson mean of order lines beyond the first (before planted partners are added).
    extra_quantity : float
        Poisson mean of units per line beyond the first.
    price_preference : float
        Exponent on relative price in item choice: < 0 favours cheap items, > 0 dear ones.
    rebuy_adoption : float
        Probability that a first purchase of a consumable starts a repurchase cycle.
    category_affinity : tuple of float
        Weights over ``TOP_CATEGORIES`` for drawing the 1-2 preferred categories.
    start_at_launch : float
        Probability that activity starts on the span's first day.
    start_days, end_days : tuple of int
        Inclusive ranges (day indices into the span) for a later start and for the last day.
    email_opt_in : float
        Probability of consenting to marketing email.
    birth_year_mean : float
        Mean birth year (sd ``BIRTH_YEAR_SD``).
    """

    name: str
    description: str
    share: float
    orders_per_year: float
    carts_per_year: float
    browses_per_year: float
    min_orders: int
    views_per_session: float
    extra_lines: float
    extra_quantity: float
    price_preference: float
    rebuy_adoption: float
    category_affinity: tuple[float, ...]
    start_at_launch: float
    start_days: tuple[int, int]
    end_days: tuple[int, int]
    email_opt_in: float
    birth_year_mean: float


LAST_DAY = 730  # index of 2025-12-31

#                         Home Beauty Pet Grocery Electronics Fashion Sports Toys
PERSONAS: tuple[Persona, ...] = (
    Persona(
        name="loyal_big_spender",
        description="Active throughout; frequent large orders of expensive items.",
        share=0.10,
        orders_per_year=10.0,
        carts_per_year=2.0,
        browses_per_year=5.0,
        min_orders=6,
        views_per_session=2.0,
        extra_lines=1.4,
        extra_quantity=0.8,
        price_preference=1.6,
        rebuy_adoption=0.5,
        category_affinity=(2.0, 1.5, 0.4, 0.2, 3.5, 3.0, 1.5, 0.5),
        start_at_launch=0.90,
        start_days=(0, 180),
        end_days=(LAST_DAY, LAST_DAY),
        email_opt_in=0.80,
        birth_year_mean=1974.0,
    ),
    Persona(
        name="bargain_hunter",
        description="Active throughout; frequent small orders of cheap groceries, pet food.",
        share=0.16,
        orders_per_year=9.0,
        carts_per_year=2.0,
        browses_per_year=3.0,
        min_orders=6,
        views_per_session=2.5,
        extra_lines=0.6,
        extra_quantity=0.2,
        price_preference=-2.5,
        rebuy_adoption=0.6,
        category_affinity=(1.0, 1.2, 3.0, 5.0, 0.2, 0.4, 0.3, 0.8),
        start_at_launch=0.90,
        start_days=(0, 180),
        end_days=(LAST_DAY, LAST_DAY),
        email_opt_in=0.65,
        birth_year_mean=1985.0,
    ),
    Persona(
        name="occasional",
        description="Still active but orders a few times a year; mid-to-high value gifts.",
        share=0.34,
        orders_per_year=2.0,
        carts_per_year=1.0,
        browses_per_year=2.0,
        min_orders=3,
        views_per_session=3.0,
        extra_lines=1.0,
        extra_quantity=0.5,
        price_preference=1.0,
        rebuy_adoption=0.1,
        category_affinity=(1.6, 1.2, 0.3, 0.2, 1.3, 1.8, 1.1, 1.2),
        start_at_launch=0.90,
        start_days=(0, 240),
        end_days=(LAST_DAY, LAST_DAY),
        email_opt_in=0.55,
        birth_year_mean=1980.0,
    ),
    Persona(
        name="new_explorer",
        description="Joined in Oct-Dec 2025; browses widely, one small cheap order.",
        share=0.15,
        orders_per_year=0.5,
        carts_per_year=10.0,
        browses_per_year=30.0,
        min_orders=1,
        views_per_session=4.0,
        extra_lines=0.0,
        extra_quantity=0.0,
        price_preference=-1.5,
        rebuy_adoption=0.5,
        category_affinity=(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
        start_at_launch=0.0,
        start_days=(640, 715),
        end_days=(LAST_DAY, LAST_DAY),
        email_opt_in=0.60,
        birth_year_mean=1996.0,
    ),
    Persona(
        name="lapsed",
        description="Ordered in the first months of 2024, then stopped (long recency).",
        share=0.25,
        orders_per_year=8.0,
        carts_per_year=3.0,
        browses_per_year=6.0,
        min_orders=2,
        views_per_session=3.0,
        extra_lines=0.8,
        extra_quantity=0.4,
        price_preference=0.5,
        rebuy_adoption=0.3,
        category_affinity=(0.8, 0.8, 0.4, 0.3, 1.0, 3.0, 2.0, 2.5),
        start_at_launch=0.75,
        start_days=(0, 30),
        end_days=(60, 200),
        email_opt_in=0.40,
        birth_year_mean=1982.0,
    ),
)
PERSONA_NAMES: tuple[str, ...] = tuple(p.name for p in PERSONAS)

# Spread of activity between customers of one persona (gamma shape: larger = more alike).
INTENSITY_SHAPE = 25.0
BIRTH_YEAR_SD = 11.0
# Customers with a second preferred category; the rest shop one category mostly.
SECOND_CATEGORY_PROB = 0.6
# Where item picks come from: the first / second preferred category, else anywhere.
FIRST_CATEGORY_SHARE = 0.62
SECOND_CATEGORY_SHARE = 0.25


def _column(field: str) -> np.ndarray:
    return np.array([getattr(p, field) for p in PERSONAS], dtype=np.float64)


# Per-persona parameter vectors, indexed by persona code (position in PERSONAS).
SHARES = _column("share")
ORDERS_PER_YEAR = _column("orders_per_year")
CARTS_PER_YEAR = _column("carts_per_year")
BROWSES_PER_YEAR = _column("browses_per_year")
MIN_ORDERS = _column("min_orders").astype(np.int64)
VIEWS_PER_SESSION = _column("views_per_session")
EXTRA_LINES = _column("extra_lines")
EXTRA_QUANTITY = _column("extra_quantity")
PRICE_PREFERENCE = _column("price_preference")
REBUY_ADOPTION = _column("rebuy_adoption")
EMAIL_OPT_IN = _column("email_opt_in")
BIRTH_YEAR_MEAN = _column("birth_year_mean")
CATEGORY_AFFINITY = np.array([p.category_affinity for p in PERSONAS], dtype=np.float64)

assert abs(SHARES.sum() - 1.0) < 1e-9, "persona shares must sum to 1"
assert CATEGORY_AFFINITY.shape[1] == len(TOP_CATEGORIES)


def allocate(n: int, shares: np.ndarray) -> np.ndarray:
    """Split ``n`` into integer counts proportional to ``shares`` (largest remainder).

    Parameters
    ----------
    n : int
        Total to split.
    shares : numpy.ndarray
        Non-negative weights summing to 1.

    Returns
    -------
    numpy.ndarray
        int64 counts summing to ``n``.
    """
    exact = shares * n
    counts = np.floor(exact).astype(np.int64)
    remainder = n - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def as_json() -> dict[str, dict[str, object]]:
    """Persona definitions as recorded in the ground truth."""
    out: dict[str, dict[str, object]] = {}
    for persona in PERSONAS:
        params = asdict(persona)
        name = params.pop("name")
        params["category_affinity"] = dict(
            zip(TOP_CATEGORIES, persona.category_affinity, strict=True)
        )
        out[name] = params
    return out
