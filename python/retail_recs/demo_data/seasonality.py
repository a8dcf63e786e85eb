"""When things happen: monthly, weekday and hourly patterns, and samplers that follow them."""

from __future__ import annotations

import numpy as np

from .config import SPAN_DAYS, SPAN_START

# Demand by calendar month; the Q4 peak (Black Friday, Christmas) is the planted signal.
MONTHLY_MULTIPLIERS: dict[int, float] = {
    1: 0.85,
    2: 0.80,
    3: 0.90,
    4: 0.92,
    5: 0.95,
    6: 0.93,
    7: 0.90,
    8: 0.90,
    9: 0.98,
    10: 1.05,
    11: 1.45,
    12: 1.60,
}
# Monday first; weekends are busier for a consumer shop.
WEEKDAY_MULTIPLIERS: tuple[float, ...] = (0.95, 0.92, 0.93, 0.97, 1.05, 1.12, 1.15)
# Relative session starts per UTC hour: quiet nights, a lunch bump and an evening peak.
HOURLY_WEIGHTS: tuple[float, ...] = (
    0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.90, 0.95, 1.00,
    1.15, 1.10, 0.95, 0.90, 0.95, 1.05, 1.20, 1.40, 1.50, 1.30, 0.90, 0.50,
)  # fmt: skip


def daily_weights() -> np.ndarray:
    """Relative activity of each day of the span (month multiplier x weekday multiplier).

    Returns
    -------
    numpy.ndarray
        Float array of length ``SPAN_DAYS``.
    """
    days = np.datetime64(SPAN_START, "D") + np.arange(SPAN_DAYS)
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    monthly = np.array([MONTHLY_MULTIPLIERS[m] for m in range(1, 13)])
    return monthly[months - 1] * np.asarray(WEEKDAY_MULTIPLIERS)[weekday]


_DAY_CDF = np.concatenate(([0.0], np.cumsum(daily_weights())))
_HOUR_CDF = np.cumsum(HOURLY_WEIGHTS) / np.sum(HOURLY_WEIGHTS)


def sample_days(
    first_day: np.ndarray,
    last_day: np.ndarray,
    rng: np.random.Generator,
    position: np.ndarray | None = None,
) -> np.ndarray:
    """Draw one day per row, within ``[first_day, last_day]``, following the seasonal weights.

    Parameters
    ----------
    first_day, last_day : numpy.ndarray
        Inclusive day indices into the span (0 = the span's first day), one pair per draw.
    rng : numpy.random.Generator
        Source of randomness (used when ``position`` is not given).
    position : numpy.ndarray, optional
        Quantiles in ``[0, 1)`` of the window's seasonal distribution, one per draw.

    Returns
    -------
    numpy.ndarray
        int64 day indices.
    """
    if position is None:
        position = rng.random(len(first_day))
    low = _DAY_CDF[first_day]
    high = _DAY_CDF[last_day + 1]
    target = low + position * (high - low)
    days = np.searchsorted(_DAY_CDF, target, side="right") - 1
    return np.clip(days, first_day, last_day).astype(np.int64)


def sample_seconds_of_day(n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` seconds-after-midnight following the hourly weights.

    Parameters
    ----------
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        int64 values in ``[0, 86400)``.
    """
    hours = np.searchsorted(_HOUR_CDF, rng.random(n), side="right")
    hours = np.minimum(hours, 23)
    return hours * 3600 + rng.integers(0, 3600, n)


def as_json() -> dict[str, object]:
    """The planted seasonality, as recorded in the ground truth."""
    return {
        "monthly_multipliers": {f"{m:02d}": v for m, v in MONTHLY_MULTIPLIERS.items()},
        "weekday_multipliers": dict(
            zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), WEEKDAY_MULTIPLIERS, strict=True)
        ),
        "hourly_weights_utc": list(HOURLY_WEIGHTS),
    }
