"""Returns: from levels, compounded, annualised and by calendar year.

Conventions: returns are simple, per period (daily for an index), in decimal (0.01 = 1%).
Annualisation uses ``periods`` per year (252 trading days by default), as empyrical does:
``annualised = (1 + total) ** (periods / n) - 1`` for ``n`` returns. An annual risk-free
rate is turned into a per-period one geometrically, ``(1 + rf) ** (1 / periods) - 1``, as
quantstats does.

NaN policy (:mod:`aithesis.analytics.nanpolicy`): NaN returns are dropped before
computing; outputs indexed by time (levels, calendar years) keep their length and let a
NaN return compound as no change.
"""

from __future__ import annotations

import numpy as np

from aithesis.analytics.nanpolicy import as_1d, clean_levels, clean_returns, power

__all__ = [
    "TRADING_DAYS",
    "annualised_return",
    "calendar_year_returns",
    "compound",
    "levels_from_returns",
    "return_since",
    "rf_per_period",
    "simple_returns",
    "total_return",
]

TRADING_DAYS = 252


def simple_returns(levels: np.ndarray) -> np.ndarray:
    """Simple returns ``levels[t] / levels[t-1] - 1`` (one fewer than the levels).

    Args:
        levels: ``(T,)`` positive levels or prices; NaN rows stay NaN in the returns on
            either side of them (NaN returns are then dropped by every metric).

    Returns:
        ``(T-1,)`` decimal returns; the return of row ``t`` is labelled with date ``t``.

    Raises:
        DataError: a negative level or a non-positive first level (field ``levels``).
    """
    lv = as_1d(levels, "levels")
    clean_levels(lv)
    with np.errstate(divide="ignore", invalid="ignore"):
        return lv[1:] / lv[:-1] - 1.0


def compound(returns: np.ndarray) -> float:
    """Total compounded return ``prod(1 + r) - 1`` of the non-NaN returns.

    NaN for no (non-NaN) returns, as ``empyrical.cum_returns_final([])``; NaN when the
    product overflows a float.
    """
    r = clean_returns(returns)
    if r.size == 0:
        return float("nan")
    with np.errstate(over="ignore", invalid="ignore"):
        out = float(np.prod(1.0 + r) - 1.0)
    return out if np.isfinite(out) else float("nan")


total_return = compound


def annualised_return(returns: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Compound annual growth rate: ``(1 + total) ** (periods / n) - 1``.

    Args:
        returns: ``(n,)`` per-period returns.
        periods: periods per year.

    Returns:
        The annualised return over the ``n`` non-NaN returns. NaN for no returns, for a
        total return below -100% (a negative growth factor has no real fractional
        power; empyrical returns a complex number or fails) and for a result overflowing
        a float. Same definition as ``empyrical.annual_return``.
    """
    r = clean_returns(returns)
    if r.size == 0:
        return float("nan")
    return power(1.0 + compound(r), periods / r.size) - 1.0


def levels_from_returns(returns: np.ndarray, start: float = 1.0) -> np.ndarray:
    """Levels ``start, start*(1+r1), ...`` (one more than the returns).

    A NaN return leaves the level unchanged (the period is dropped from the compounding
    but keeps its row), so the last level is ``start * (1 + compound(returns))``.
    """
    r = np.nan_to_num(as_1d(returns), nan=0.0)
    return start * np.concatenate(([1.0], np.cumprod(1.0 + r)))


def rf_per_period(rf: float, periods: int = TRADING_DAYS) -> float:
    """Per-period risk-free rate from an annual one: ``(1 + rf) ** (1 / periods) - 1``."""
    return float((1.0 + rf) ** (1.0 / periods) - 1.0)


def calendar_year_returns(dates: np.ndarray, returns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compounded return of each calendar year.

    Args:
        dates: ``(n,)`` sorted ``datetime64`` dates the returns are labelled with (for index
            levels: the dates from the second row on).
        returns: ``(n,)`` per-period returns.

    Returns:
        ``(years, year_returns)``: int years and the compounded return of the returns
        dated in each (the first year runs from the base close to that year's last close);
        NaN returns compound as no change, as ``empyrical.aggregate_returns(returns,
        "yearly")``, whose grouping this is.
    """
    r = as_1d(returns)
    years = np.asarray(dates).astype("datetime64[Y]").astype(np.int64) + 1970
    if years.shape != r.shape:
        raise ValueError("dates and returns must have the same length")
    if r.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(years)) + 1))
    growth = np.multiply.reduceat(1.0 + np.nan_to_num(r, nan=0.0), starts)
    return years[starts], growth - 1.0


def return_since(dates: np.ndarray, values: np.ndarray, start: np.datetime64) -> float:
    """Simple return from the last value on or before ``start`` to the last value.

    Args:
        dates: sorted ``datetime64[D]``; values: prices or levels on those dates.
        start: the start date.

    Returns:
        ``values[-1] / values[i] - 1`` (decimal) with ``i`` the last row on or before
        ``start``; NaN when the series begins after ``start`` (never a return from a
        later first value).
    """
    i = int(np.searchsorted(dates, start, side="right")) - 1
    return float(values[-1] / values[i] - 1.0) if i >= 0 else float("nan")
