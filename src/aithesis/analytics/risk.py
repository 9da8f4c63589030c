"""Risk and risk-adjusted performance: volatility, Sharpe, Sortino, drawdowns, beta, ...

All inputs are per-period simple returns in decimal (daily for an index) or levels where
named so; ``periods`` is the number of periods per year (252). ``rf`` is an *annual*
risk-free rate, converted per period geometrically (quantstats' convention). Each
function names the library function it is checked against in the tests; where
definitions differ between libraries the docstring says which one is followed.

NaN policy (:mod:`aithesis.analytics.nanpolicy`, the same for every metric): NaN returns
are dropped before computing, pairwise when there is a benchmark; NaN levels are dropped
(rows refer to the original positions); negative levels are refused with a
:class:`~aithesis.errors.DataError`. Fewer than 2 returns, a spread negligible against
the mean (``sd <= 1e-10 * |mean|``: constant returns) or a zero denominator give NaN,
never a huge number or a NumPy traceback. The rolling metrics live in
:mod:`aithesis.analytics.rolling` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aithesis.analytics.nanpolicy import (
    clean_levels,
    clean_pair,
    clean_returns,
    negligible,
    power,
)
from aithesis.analytics.returns import TRADING_DAYS, annualised_return, rf_per_period
from aithesis.analytics.rolling import (
    rolling_beta,
    rolling_max_drawdown,
    rolling_return,
    rolling_sharpe,
    rolling_volatility,
)

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


def _ratio(num: float, sd: float, periods: int) -> float:
    """``num / sd * sqrt(periods)``; NaN when ``sd`` is negligible against ``num``."""
    if negligible(sd, num):
        return float("nan")
    return float(num / sd * np.sqrt(periods))


def volatility(returns: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Annualised volatility: sample standard deviation (ddof=1) x sqrt(periods).

    Over the non-NaN returns; NaN for fewer than 2. Same as ``empyrical.annual_volatility``
    and ``quantstats.stats.volatility``.
    """
    r = clean_returns(returns)
    if r.size < 2:
        return float("nan")
    return float(np.std(r, ddof=1) * np.sqrt(periods))


def sharpe_ratio(returns: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS) -> float:
    """Annualised Sharpe ratio: ``mean(r - rf_p) / std(r - rf_p, ddof=1) * sqrt(periods)``.

    Args:
        returns: per-period returns (NaN periods dropped).
        rf: annual risk-free rate (decimal); ``rf_p = (1 + rf) ** (1 / periods) - 1``.
        periods: periods per year.

    Equals ``empyrical.sharpe_ratio(returns, risk_free=rf_p)`` and
    ``quantstats.stats.sharpe(returns, rf=rf)``. NaN for fewer than 2 returns and when
    the excess returns do not vary (``sd <= 1e-10 * |mean|``; empyrical gives ~1e17 or
    inf there).
    """
    ex = clean_returns(returns) - rf_per_period(rf, periods)
    if ex.size < 2:
        return float("nan")
    return _ratio(float(np.mean(ex)), float(np.std(ex, ddof=1)), periods)


def sortino_ratio(returns: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS) -> float:
    """Annualised Sortino ratio with target ``rf``: mean excess over downside deviation.

    ``downside = sqrt(mean(min(r - rf_p, 0) ** 2))`` over *all* (non-NaN) periods (the
    Red Rock definition), ratio ``mean(r - rf_p) / downside * sqrt(periods)``. Equals
    ``empyrical.sortino_ratio(returns, required_return=rf_p)`` and
    ``quantstats.stats.sortino(returns, rf=rf)``. NaN for fewer than 2 returns and
    without a downside period worth the name (``downside <= 1e-10 * |mean|``; empyrical
    gives inf).
    """
    ex = clean_returns(returns) - rf_per_period(rf, periods)
    if ex.size < 2:
        return float("nan")
    downside = float(np.sqrt(np.mean(np.minimum(ex, 0.0) ** 2)))
    return _ratio(float(np.mean(ex)), downside, periods)


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
    """``levels / running_max(levels) - 1`` for each row (0 at a new high).

    A NaN level gives a NaN drawdown on its row and does not move the running peak.

    Raises:
        DataError: a negative level or a non-positive first level (field ``levels``).
    """
    rows, vals = clean_levels(levels)
    out = np.full(np.asarray(levels).shape, np.nan)
    out[rows] = vals / np.maximum.accumulate(vals) - 1.0
    return out


def max_drawdown(levels: np.ndarray) -> Drawdown:
    """Maximum drawdown of a level series, with its peak, trough and recovery rows.

    Args:
        levels: ``(T,)`` positive levels; row 0 (the base) counts as a possible peak.
            NaN rows are skipped (the rows returned are positions in ``levels``).

    Returns:
        :class:`Drawdown`. The depth equals ``empyrical.max_drawdown`` of the returns
        (which anchors the running peak at the starting value); peak/trough/recovery
        match ``quantstats.stats.drawdown_details``' start - 1 row, valley, end + 1 row.
        No level: depth NaN at row 0; a single level: depth 0 at its row.

    Raises:
        DataError: a negative level or a non-positive first level (field ``levels``).
    """
    rows, lv = clean_levels(levels)
    if lv.size == 0:
        return Drawdown(float("nan"), 0, 0, None)
    if lv.size == 1:
        return Drawdown(0.0, int(rows[0]), int(rows[0]), None)
    dd = lv / np.maximum.accumulate(lv) - 1.0
    trough = int(np.argmin(dd))
    depth = float(dd[trough])
    if depth >= 0:
        return Drawdown(0.0, int(rows[0]), int(rows[0]), None)
    peak_level = np.maximum.accumulate(lv)[trough]
    peak = int(np.flatnonzero(lv[: trough + 1] == peak_level)[-1])
    after = np.flatnonzero(lv[trough + 1 :] >= peak_level)
    recovery = int(rows[trough + 1 + after[0]]) if after.size else None
    return Drawdown(depth, int(rows[peak]), int(rows[trough]), recovery)


def ulcer_index(levels: np.ndarray) -> float:
    """Ulcer index: root mean square of the drawdowns from the running peak (decimal).

    ``sqrt(mean(dd_t ** 2))`` over *every* (non-NaN) row of the level series, with
    ``dd_t = levels_t / max(levels_0..t) - 1`` (:func:`drawdown_series`); row 0 (the base)
    counts as a peak and as a row (drawdown 0). Peter Martin's definition (1987) on
    daily levels, in decimal rather than percentage points (0.05 = 5). quantstats'
    ``ulcer_index`` divides the same sum of squares by ``len(returns) - 1`` instead of
    the number of levels (``len(returns) + 1``): ``ours**2 * T == qs**2 * (T - 2)``.
    NaN for an empty series.
    """
    _, lv = clean_levels(levels)
    if lv.size == 0:
        return float("nan")
    return float(np.sqrt(np.mean((lv / np.maximum.accumulate(lv) - 1.0) ** 2)))


def _growth_levels(r: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return np.concatenate(([1.0], np.cumprod(1.0 + r)))


def calmar_ratio(returns: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Annualised return over the absolute maximum drawdown (of the compounded returns).

    Over the non-NaN returns. Equals ``empyrical.calmar_ratio``; NaN when there is no
    drawdown (or one below 1e-10, rounding), when the annualised return is NaN (see
    :func:`~aithesis.analytics.annualised_return`) or when a return is below -100%.
    """
    r = clean_returns(returns)
    if r.size == 0 or np.any(r < -1.0):
        return float("nan")
    growth = _growth_levels(r)
    if not np.all(np.isfinite(growth)):
        return float("nan")
    depth = max_drawdown(growth).depth
    if depth > -1e-10:
        return float("nan")
    return float(annualised_return(r, periods) / abs(depth))


def beta(returns: np.ndarray, benchmark: np.ndarray, rf: float = 0.0) -> float:
    """Regression beta ``cov(r, b) / var(b)`` on paired, non-NaN periods.

    ``rf`` shifts both series equally, so it does not change beta. Equals
    ``empyrical.beta``. NaN for fewer than 2 pairs and when the benchmark does not vary
    (``sd(b) <= 1e-10 * max(|mean(b)|, sd(r))``); 0 for constant returns
    (``sd(r) <= 1e-10 * |mean(r)|``: their covariance is rounding residue).
    """
    r, b = clean_pair(returns, benchmark)
    if r.size < 2:
        return float("nan")
    bc = b - b.mean()
    var = float(np.mean(bc * bc))
    rc = r - r.mean()
    sd_r = float(np.sqrt(np.mean(rc * rc)))
    if negligible(np.sqrt(var), float(b.mean()), sd_r):
        return float("nan")
    if negligible(sd_r, float(r.mean())):
        return 0.0  # constant returns do not move with anything
    return float(np.mean(bc * rc) / var)


def alpha(
    returns: np.ndarray, benchmark: np.ndarray, rf: float = 0.0, periods: int = TRADING_DAYS
) -> float:
    """Annualised Jensen's alpha, compounded: ``(1 + mean(a)) ** periods - 1``.

    ``a = (r - rf_p) - beta * (b - rf_p)`` per paired non-NaN period. This is empyrical's
    definition (``empyrical.alpha(returns, benchmark, risk_free=rf_p)``), which compounds
    the mean daily alpha rather than multiplying it by ``periods``. NaN where
    :func:`beta` is NaN, below -100% a day or when it overflows a float.
    """
    r, b = clean_pair(returns, benchmark)
    bt = beta(r, b)
    if not np.isfinite(bt):
        return float("nan")
    rfp = rf_per_period(rf, periods)
    a = (r - rfp) - bt * (b - rfp)
    return power(1.0 + float(np.mean(a)), periods) - 1.0


def tracking_error(
    returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS
) -> float:
    """Annualised tracking error: ``std(r - b, ddof=1) * sqrt(periods)``.

    On paired non-NaN periods; NaN for fewer than 2. Neither quantstats nor empyrical
    ships it; it is the annualised volatility of active returns,
    ``empyrical.annual_volatility(r - b)``.
    """
    r, b = clean_pair(returns, benchmark)
    return volatility(r - b, periods)


def information_ratio(
    returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS
) -> float:
    """Annualised information ratio: ``mean(r - b) / std(r - b, ddof=1) * sqrt(periods)``.

    On paired non-NaN periods. quantstats' ``information_ratio`` and empyrical's
    ``excess_sharpe`` give the same ratio *per period*; this one is annualised
    (multiplied by ``sqrt(periods)``), the usual reporting convention. NaN for fewer
    than 2 pairs and for a constant active return (``sd <= 1e-10 * |mean|``, which
    includes an index identical to its benchmark; the peers give ~1e16 or inf).
    """
    r, b = clean_pair(returns, benchmark)
    active = r - b
    if active.size < 2:
        return float("nan")
    return _ratio(float(np.mean(active)), float(np.std(active, ddof=1)), periods)


def _capture(r: np.ndarray, b: np.ndarray, periods: int) -> float:
    num, den = annualised_return(r, periods), annualised_return(b, periods)
    if not (np.isfinite(num) and np.isfinite(den)) or negligible(abs(den), 1.0, num):
        return float("nan")
    return float(num / den)


def up_capture(returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Up-market capture: annualised return of the index over the annualised return of
    the benchmark, both on the (paired, non-NaN) periods when the benchmark rose. Equals
    ``empyrical.up_capture``. NaN without such a period, when either annualised return
    is NaN, or when the benchmark's is negligible (below 1e-10 x the index's).
    """
    r, b = clean_pair(returns, benchmark)
    up = b > 0
    return _capture(r[up], b[up], periods)


def down_capture(returns: np.ndarray, benchmark: np.ndarray, periods: int = TRADING_DAYS) -> float:
    """Down-market capture: as :func:`up_capture` on the periods when the benchmark fell.
    Equals ``empyrical.down_capture``; below 1 means the index fell less.
    """
    r, b = clean_pair(returns, benchmark)
    down = b < 0
    return _capture(r[down], b[down], periods)
