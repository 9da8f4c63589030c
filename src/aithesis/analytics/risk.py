"""Risk and risk-adjusted performance: volatility, Sharpe, Sortino, drawdowns, beta, ...

All inputs are per-period simple returns in decimal (daily for an index) or levels where
named so; ``periods`` is the number of periods per year (252). ``rf`` is an *annual*
risk-free rate, converted per period geometrically (quantstats' convention). Each
function names the library function it is checked against in the tests; where
definitions differ between libraries the docstring says which one is followed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from aithesis.analytics.returns import TRADING_DAYS, annualised_return, rf_per_period

__all__ = [
    "Drawdown",
    "alpha",
    "beta",
    "calmar_ratio",
    "down_capture",
    "drawdown_series",
    "information_ratio",
    "max_drawdown",
    "rolling_beta",
    "rolling_max_drawdown",
    "rolling_return",
    "rolling_sharpe",
    "rolling_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "tracking_error",
    "ulcer_index",
    "up_capture",
    "volatility",
]


def _r(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError("expected a 1-D array of returns")
    return arr


def _pair(returns: np.ndarray, benchmark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, b = _r(returns), _r(benchmark)
    if r.shape != b.shape:
        raise ValueError(f"returns ({r.size}) and benchmark ({b.size}) differ in length")
    keep = ~(np.isnan(r) | np.isnan(b))
    return r[keep], b[keep]


def volatility(returns: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Annualised volatility: sample standard deviation (ddof=1) x sqrt(periods).

    Same as ``empyrical.annual_volatility`` and ``quantstats.stats.volatility``.
    """
    r = _r(returns)
    if r.size < 2:
        return float("nan")
    return float(np.std(r, ddof=1) * np.sqrt(periods))


def sharpe_ratio(returns: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS) -> float:
    """Annualised Sharpe ratio: ``mean(r - rf_p) / std(r - rf_p, ddof=1) * sqrt(periods)``.

    Args:
        returns: per-period returns.
        rf: annual risk-free rate (decimal); ``rf_p = (1 + rf) ** (1 / periods) - 1``.
        periods: periods per year.

    Equals ``empyrical.sharpe_ratio(returns, risk_free=rf_p)`` and
    ``quantstats.stats.sharpe(returns, rf=rf)``. NaN when the excess returns do not vary.
    """
    ex = _r(returns) - rf_per_period(rf, periods)
    if ex.size < 2:
        return float("nan")
    sd = np.std(ex, ddof=1)
    if sd == 0:
        return float("nan")
    return float(np.mean(ex) / sd * np.sqrt(periods))


def sortino_ratio(returns: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS) -> float:
    """Annualised Sortino ratio with target ``rf``: mean excess over downside deviation.

    ``downside = sqrt(mean(min(r - rf_p, 0) ** 2))`` over *all* periods (the Red Rock
    definition), ratio ``mean(r - rf_p) / downside * sqrt(periods)``. Equals
    ``empyrical.sortino_ratio(returns, required_return=rf_p)`` and
    ``quantstats.stats.sortino(returns, rf=rf)``. NaN without a downside period.
    """
    ex = _r(returns) - rf_per_period(rf, periods)
    if ex.size < 2:
        return float("nan")
    downside = np.sqrt(np.mean(np.minimum(ex, 0.0) ** 2))
    if downside == 0:
        return float("nan")
    return float(np.mean(ex) / downside * np.sqrt(periods))


@dataclass(frozen=True)
class Drawdown:
    """The largest peak-to-trough fall of a level series.

    Attributes:
        depth: the fall as a negative decimal (-0.25 = 25% below the peak); 0 if none.
        peak: row of the high before the trough (the last row at that high).
        trough: row of the lowest point relative to the peak.
        recovery: first row after the trough back at or above the peak; None if never.
    """

    depth: float
    peak: int
    trough: int
    recovery: int | None


def drawdown_series(levels: np.ndarray) -> np.ndarray:
    """``levels / running_max(levels) - 1`` for each row (0 at a new high)."""
    lv = _r(levels)
    return lv / np.maximum.accumulate(lv) - 1.0


def max_drawdown(levels: np.ndarray) -> Drawdown:
    """Maximum drawdown of a level series, with its peak, trough and recovery rows.

    Args:
        levels: ``(T,)`` positive levels; row 0 (the base) counts as a possible peak.

    Returns:
        :class:`Drawdown`. The depth equals ``empyrical.max_drawdown`` of the returns
        (which anchors the running peak at the starting value); peak/trough/recovery
        match ``quantstats.stats.drawdown_details``' start - 1 row, valley, end + 1 row.
    """
    lv = _r(levels)
    dd = drawdown_series(lv)
    trough = int(np.argmin(dd))
    depth = float(dd[trough])
    if depth >= 0:
        return Drawdown(0.0, 0, 0, None)
    peak_level = np.maximum.accumulate(lv)[trough]
    peak = int(np.flatnonzero(lv[: trough + 1] == peak_level)[-1])
    after = np.flatnonzero(lv[trough + 1 :] >= peak_level)
    recovery = int(trough + 1 + after[0]) if after.size else None
    return Drawdown(depth, peak, trough, recovery)


def ulcer_index(levels: np.ndarray) -> float:
    """Ulcer index: root mean square of the drawdowns from the running peak (decimal).

    ``sqrt(mean(dd_t ** 2))`` over *every* row of the level series, with
    ``dd_t = levels_t / max(levels_0..t) - 1`` (:func:`drawdown_series`); row 0 (the base)
    counts as a peak and as a row (drawdown 0). Peter Martin's definition (1987) on
    daily levels, in decimal rather than percentage points (0.05 = 5). quantstats'
    ``ulcer_index`` divides the same sum of squares by ``len(returns) - 1`` instead of
    the number of levels (``len(returns) + 1``): ``ours**2 * T == qs**2 * (T - 2)``.
    NaN for an empty series.
    """
    lv = _r(levels)
    if lv.size == 0:
        return float("nan")
    return float(np.sqrt(np.mean(drawdown_series(lv) ** 2)))


def calmar_ratio(returns: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Annualised return over the absolute maximum drawdown (of the compounded returns).

    Equals ``empyrical.calmar_ratio``; NaN when there is no drawdown.
    """
    r = _r(returns)
    depth = max_drawdown(np.concatenate(([1.0], np.cumprod(1.0 + r)))).depth
    if depth >= 0:
        return float("nan")
    return float(annualised_return(r, periods) / abs(depth))


def beta(returns: np.ndarray, benchmark: np.ndarray, rf: float = 0.0) -> float:
    """Regression beta ``cov(r, b) / var(b)`` on paired, non-NaN periods.

    ``rf`` shifts both series equally, so it does not change beta. Equals
    ``empyrical.beta``.
    """
    r, b = _pair(returns, benchmark)
    if r.size < 2:
        return float("nan")
    bc = b - b.mean()
    var = np.mean(bc * bc)
    if var < 1e-30:
        return float("nan")
    return float(np.mean(bc * r) / var)


def alpha(
    returns: np.ndarray, benchmark: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS
) -> float:
    """Annualised Jensen's alpha, compounded: ``(1 + mean(a)) ** periods - 1``.

    ``a = (r - rf_p) - beta * (b - rf_p)`` per period. This is empyrical's definition
    (``empyrical.alpha(returns, benchmark, risk_free=rf_p)``), which compounds the mean
    daily alpha rather than multiplying it by ``periods``.
    """
    r, b = _pair(returns, benchmark)
    if r.size < 2:
        return float("nan")
    rfp = rf_per_period(rf, periods)
    a = (r - rfp) - beta(r, b) * (b - rfp)
    return float((1.0 + np.mean(a)) ** periods - 1.0)


def tracking_error(
    returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS
) -> float:
    """Annualised tracking error: ``std(r - b, ddof=1) * sqrt(periods)``.

    Neither quantstats nor empyrical ships it; it is the annualised volatility of active
    returns, ``empyrical.annual_volatility(r - b)``.
    """
    r, b = _pair(returns, benchmark)
    return volatility(r - b, periods)


def information_ratio(
    returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS
) -> float:
    """Annualised information ratio: ``mean(r - b) / std(r - b, ddof=1) * sqrt(periods)``.

    quantstats' ``information_ratio`` and empyrical's ``excess_sharpe`` give the same
    ratio *per period*; this one is annualised (multiplied by ``sqrt(periods)``), the
    usual reporting convention.
    """
    r, b = _pair(returns, benchmark)
    active = r - b
    if active.size < 2:
        return float("nan")
    sd = np.std(active, ddof=1)
    if sd == 0:
        return float("nan")
    return float(np.mean(active) / sd * np.sqrt(periods))


def up_capture(returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Up-market capture: annualised return of the index over the annualised return of
    the benchmark, both on the periods when the benchmark rose. Equals
    ``empyrical.up_capture``.
    """
    r, b = _pair(returns, benchmark)
    up = b > 0
    return float(annualised_return(r[up], periods) / annualised_return(b[up], periods))


def down_capture(returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Down-market capture: as :func:`up_capture` on the periods when the benchmark fell.
    Equals ``empyrical.down_capture``; below 1 means the index fell less.
    """
    r, b = _pair(returns, benchmark)
    down = b < 0
    return float(annualised_return(r[down], periods) / annualised_return(b[down], periods))


def _windows(values: np.ndarray, window: int) -> np.ndarray:
    arr = _r(values)
    if window < 2 or window > arr.size:
        raise ValueError(f"window must be in 2..{arr.size}, got {window}")
    return sliding_window_view(arr, window)


def rolling_volatility(returns: np.ndarray, window: int, periods: int = TRADING_DAYS) -> np.ndarray:
    """Annualised volatility over each trailing window of ``window`` returns.

    Returns ``n - window + 1`` values, the first for the window ending at return
    ``window - 1``. Equals ``empyrical.roll_annual_volatility``.
    """
    return np.std(_windows(returns, window), axis=1, ddof=1) * np.sqrt(periods)


def rolling_sharpe(
    returns: np.ndarray, window: int, rf: float = 0.0, periods: int = TRADING_DAYS
) -> np.ndarray:
    """Sharpe ratio over each trailing window (see :func:`sharpe_ratio`).

    Equals ``empyrical.roll_sharpe_ratio(returns, window, risk_free=rf_p)``.
    """
    ex = _windows(_r(returns) - rf_per_period(rf, periods), window)
    sd = np.std(ex, axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.mean(ex, axis=1) / sd * np.sqrt(periods)
    return np.where(sd == 0, np.nan, out)


def rolling_beta(returns: np.ndarray, benchmark: np.ndarray, window: int) -> np.ndarray:
    """Beta over each trailing window (see :func:`beta`). Equals ``empyrical.roll_beta``."""
    r, b = _r(returns), _r(benchmark)
    if r.shape != b.shape:
        raise ValueError("returns and benchmark differ in length")
    rw, bw = _windows(r, window), _windows(b, window)
    bc = bw - bw.mean(axis=1, keepdims=True)
    var = np.mean(bc * bc, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.mean(bc * rw, axis=1) / var
    return np.where(var < 1e-30, np.nan, out)


def rolling_max_drawdown(returns: np.ndarray, window: int) -> np.ndarray:
    """Maximum drawdown inside each trailing window of returns.

    The window's starting value counts as a peak (as ``empyrical.roll_max_drawdown``).
    """
    rw = _windows(returns, window)
    growth = np.concatenate((np.ones((rw.shape[0], 1)), np.cumprod(1.0 + rw, axis=1)), axis=1)
    return np.min(growth / np.maximum.accumulate(growth, axis=1) - 1.0, axis=1)


def rolling_return(returns: np.ndarray, window: int) -> np.ndarray:
    """Compounded return over each trailing window of ``window`` returns."""
    return np.prod(1.0 + _windows(returns, window), axis=1) - 1.0
