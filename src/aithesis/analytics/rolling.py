"""Rolling (trailing-window) metrics: volatility, Sharpe, beta, max drawdown, return.

Each returns ``n - window + 1`` values, the first for the window ending at return
``window - 1`` (empyrical's ``roll_*`` minus its leading NaN padding). NaN policy
(:mod:`aithesis.analytics.nanpolicy`): windows keep their positions; inside a window NaN
returns are dropped (pairwise for beta) and compound as no change for drawdowns and
returns; a window with fewer than 2 present returns, or a negligible spread
(``sd <= 1e-10 * |mean|``), gives NaN. ``window`` must be an integer in ``2..n``,
otherwise a :class:`~aithesis.errors.DataError` naming ``window``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from aithesis.analytics.nanpolicy import RTOL, as_1d
from aithesis.analytics.returns import TRADING_DAYS, rf_per_period
from aithesis.errors import DataError

__all__ = [
    "rolling_beta",
    "rolling_max_drawdown",
    "rolling_return",
    "rolling_sharpe",
    "rolling_volatility",
]


def _windows(values: np.ndarray, window: int) -> np.ndarray:
    arr = as_1d(values)
    if isinstance(window, bool) or not isinstance(window, int | np.integer):
        raise DataError(f"window must be a whole number of periods, got {window!r}", field="window")
    if window < 2 or window > arr.size:
        raise DataError(
            f"window {window} is outside 2..{arr.size} (the number of returns)", field="window"
        )
    return sliding_window_view(arr, int(window))


def _mean_sd(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-window mean and sample sd of the non-NaN values (NaN below 2 values)."""
    n = np.sum(~np.isnan(w), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(w, axis=1) / n
        dev = np.where(np.isnan(w), 0.0, w - mean[:, None])
        sd = np.sqrt(np.sum(dev * dev, axis=1) / (n - 1))
    bad = n < 2
    return np.where(bad, np.nan, mean), np.where(bad, np.nan, sd)


def rolling_volatility(returns: np.ndarray, window: int, periods: int = TRADING_DAYS) -> np.ndarray:
    """Annualised volatility (sd ddof=1 x sqrt(periods)) over each trailing window.

    Equals ``empyrical.roll_annual_volatility`` on NaN-free returns.
    """
    return _mean_sd(_windows(returns, window))[1] * np.sqrt(periods)


def rolling_sharpe(
    returns: np.ndarray, window: int, rf: float = 0.0, periods: int = TRADING_DAYS
) -> np.ndarray:
    """Sharpe ratio over each trailing window (see :func:`aithesis.analytics.sharpe_ratio`).

    Equals ``empyrical.roll_sharpe_ratio(returns, window, risk_free=rf_p)``; NaN for a
    window whose excess returns do not vary (``sd <= 1e-10 * |mean|``).
    """
    mean, sd = _mean_sd(_windows(as_1d(returns) - rf_per_period(rf, periods), window))
    flat = ~(sd > RTOL * np.abs(mean))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = mean / sd * np.sqrt(periods)
    return np.where(flat, np.nan, out)


def rolling_beta(returns: np.ndarray, benchmark: np.ndarray, window: int) -> np.ndarray:
    """Beta over each trailing window (see :func:`aithesis.analytics.beta`), on the
    periods of the window where both returns are present. Equals ``empyrical.roll_beta``
    on NaN-free returns; NaN for a flat benchmark window, 0 for flat returns.
    """
    r, b = as_1d(returns), as_1d(benchmark, "benchmark")
    if r.shape != b.shape:
        raise DataError(
            f"returns ({r.size}) and benchmark ({b.size}) differ in length", field="benchmark"
        )
    gap = np.isnan(r) | np.isnan(b)
    rw = _windows(np.where(gap, np.nan, r), window)
    bw = _windows(np.where(gap, np.nan, b), window)
    bmean, bsd = _mean_sd(bw)
    rmean, rsd = _mean_sd(rw)
    n = np.sum(~np.isnan(bw), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bc = np.where(np.isnan(bw), 0.0, bw - bmean[:, None])
        rc = np.where(np.isnan(rw), 0.0, rw - rmean[:, None])
        out = np.sum(bc * rc, axis=1) / (n - 1) / (bsd * bsd)
    flat = ~(bsd > RTOL * np.maximum(np.abs(bmean), np.nan_to_num(rsd)))
    still = ~(rsd > RTOL * np.abs(rmean)) & ~np.isnan(rsd)
    return np.where(flat, np.nan, np.where(still, 0.0, out))


def rolling_max_drawdown(returns: np.ndarray, window: int) -> np.ndarray:
    """Maximum drawdown (negative decimal) inside each trailing window of returns.

    The window's starting value counts as a peak (as ``empyrical.roll_max_drawdown``);
    a NaN return is no change.
    """
    rw = np.nan_to_num(_windows(returns, window), nan=0.0)
    growth = np.concatenate((np.ones((rw.shape[0], 1)), np.cumprod(1.0 + rw, axis=1)), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.min(growth / np.maximum.accumulate(growth, axis=1) - 1.0, axis=1)


def rolling_return(returns: np.ndarray, window: int) -> np.ndarray:
    """Compounded return over each trailing window of ``window`` returns (NaN = no change)."""
    return np.prod(1.0 + np.nan_to_num(_windows(returns, window), nan=0.0), axis=1) - 1.0
