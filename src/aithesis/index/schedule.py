"""Rebalance schedules: on which rows of a date axis weights are reset.

Convention (bt's ``RunMonthly`` / ``RunQuarterly`` with ``run_on_first_date=True``):
weights are set at the close of the first date (the base date) and at the close of the
first trading day of each new calendar period. Periods are calendar months, quarters
(Jan/Apr/Jul/Oct), half-years (Jan/Jul) or years; ``none`` trades only on the base date.
"""

from __future__ import annotations

import numpy as np

from aithesis.errors import SpecError

__all__ = ["period_keys", "rebalance_indices"]

_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def period_keys(dates: np.ndarray, frequency: str) -> np.ndarray:
    """Integer label of the calendar period each date falls in.

    Args:
        dates: sorted ``datetime64`` array (any unit of a day or finer).
        frequency: ``monthly``, ``quarterly``, ``semiannual`` or ``annual``.

    Returns:
        ``int64`` array, equal for dates in the same period (months since 1970-01,
        floor-divided by the period's length in months).

    Raises:
        SpecError: for an unknown frequency (field ``rebalance``).
    """
    if frequency not in _MONTHS_PER_PERIOD:
        raise SpecError(
            f"unknown rebalance frequency {frequency!r}",
            field="rebalance",
            hint="use none, monthly, quarterly, semiannual or annual",
        )
    months = np.asarray(dates).astype("datetime64[M]").astype(np.int64)
    return months // _MONTHS_PER_PERIOD[frequency]


def rebalance_indices(dates: np.ndarray, frequency: str) -> np.ndarray:
    """Row numbers at whose close the index sets its target weights.

    Args:
        dates: sorted trading dates of the index (``datetime64``); row 0 is the base date.
        frequency: ``none``, ``monthly``, ``quarterly``, ``semiannual`` or ``annual``.

    Returns:
        Sorted ``intp`` array starting with 0: the base date, then the first row of each
        new calendar period. Empty when ``dates`` is empty.

    Raises:
        SpecError: for an unknown frequency.

    Example:
        >>> d = np.array(["2024-03-28", "2024-04-01", "2024-04-02"], dtype="datetime64[D]")
        >>> rebalance_indices(d, "quarterly").tolist()
        [0, 1]
    """
    dates = np.asarray(dates)
    if dates.size == 0:
        return np.zeros(0, dtype=np.intp)
    if frequency == "none":
        return np.zeros(1, dtype=np.intp)
    keys = period_keys(dates, frequency)
    changes = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.concatenate(([0], changes)).astype(np.intp)
