"""The shape of the return distribution: Omega, value at risk, tail ratio, skew, kurtosis.

Inputs are per-period simple returns in decimal. NaN policy
(:mod:`aithesis.analytics.nanpolicy`): NaN returns are dropped before computing; fewer
than 2 returns (3 for skew, 4 for kurtosis), or no dispersion (``sd <= 1e-10 * |mean|``),
give NaN. Value at risk and CVaR are returns (negative = a loss) at a one-period horizon,
``confidence`` 0.95 by default. Each function names the library function it equals.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from aithesis.analytics.nanpolicy import clean_returns, negligible
from aithesis.analytics.returns import TRADING_DAYS
from aithesis.errors import DataError

__all__ = [
    "cvar_gaussian",
    "cvar_historical",
    "kurtosis",
    "omega_ratio",
    "skew",
    "tail_ratio",
    "var_gaussian",
    "var_historical",
]


def _alpha(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise DataError(
            f"confidence must be between 0 and 1, got {confidence!r}", field="confidence"
        )
    return 1.0 - confidence


def omega_ratio(returns: np.ndarray, threshold: float = 0.0, periods: int = TRADING_DAYS) -> float:
    """Omega ratio: gains above the threshold over losses below it.

    ``sum(max(r - t, 0)) / sum(max(t - r, 0))`` with the annual ``threshold`` made
    per-period geometrically, ``t = (1 + threshold) ** (1 / periods) - 1`` (``t =
    threshold`` when ``periods == 1``). Equals ``empyrical.omega_ratio(returns,
    required_return=threshold, annualization=periods)`` and ``quantstats.stats.omega``.
    NaN for fewer than 2 returns, a threshold at or below -100% or no loss below it.
    """
    r = clean_returns(returns)
    if r.size < 2 or threshold <= -1.0:
        return float("nan")
    t = threshold if periods == 1 else (1.0 + threshold) ** (1.0 / periods) - 1.0
    d = r - t
    loss = -float(np.sum(d[d < 0.0]))
    if not loss > 0.0:
        return float("nan")
    gain = float(np.sum(d[d > 0.0]))
    if gain > 1e12 * loss:
        return float("nan")  # a loss of rounding size only
    return gain / loss


def var_historical(returns: np.ndarray, confidence: float = 0.95) -> float:
    """Historical value at risk: the ``1 - confidence`` quantile of the returns.

    Linear interpolation between order statistics (``numpy.quantile``'s default).
    Equals ``empyrical.value_at_risk(returns, cutoff=1 - confidence)``. NaN without
    returns.
    """
    a = _alpha(confidence)
    r = clean_returns(returns)
    return float(np.quantile(r, a)) if r.size else float("nan")


def cvar_historical(returns: np.ndarray, confidence: float = 0.95) -> float:
    """Historical conditional value at risk (expected shortfall): the mean of the
    returns at or below :func:`var_historical`.

    Equals ``quantstats.stats.cvar(returns, method="historical")``. empyrical's
    ``conditional_value_at_risk`` averages the ``int((n - 1) * (1 - confidence)) + 1``
    smallest returns instead (the same for large samples). NaN without returns.
    """
    var = var_historical(returns, confidence)
    if np.isnan(var):
        return var
    r = clean_returns(returns)
    return float(np.mean(r[r <= var]))


def _mean_sd(returns: np.ndarray) -> tuple[float, float] | None:
    r = clean_returns(returns)
    if r.size < 2:
        return None
    return float(np.mean(r)), float(np.std(r, ddof=1))


def var_gaussian(returns: np.ndarray, confidence: float = 0.95) -> float:
    """Gaussian (variance-covariance) value at risk: ``mean + sd * z`` with ``z`` the
    ``1 - confidence`` quantile of the standard normal and ``sd`` the sample standard
    deviation (ddof=1). Equals ``quantstats.stats.var(returns, confidence=confidence)``.
    NaN for fewer than 2 returns.
    """
    a = _alpha(confidence)
    ms = _mean_sd(returns)
    if ms is None:
        return float("nan")
    return ms[0] + ms[1] * NormalDist().inv_cdf(a)


def cvar_gaussian(returns: np.ndarray, confidence: float = 0.95) -> float:
    """Gaussian conditional value at risk: ``mean - sd * pdf(z) / (1 - confidence)``,
    the expected return below :func:`var_gaussian` of a normal distribution with the
    sample mean and sd. Equals ``quantstats.stats.cvar(returns, method="parametric")``.
    NaN for fewer than 2 returns.
    """
    a = _alpha(confidence)
    ms = _mean_sd(returns)
    if ms is None:
        return float("nan")
    n = NormalDist()
    return ms[0] - ms[1] * n.pdf(n.inv_cdf(a)) / a


def tail_ratio(returns: np.ndarray, cutoff: float = 0.95) -> float:
    """Tail ratio: ``|quantile(cutoff)| / |quantile(1 - cutoff)|`` (95th over 5th).

    Equals ``empyrical.tail_ratio`` and ``quantstats.stats.tail_ratio``. NaN without
    returns and when the lower quantile is 0 (or negligible against the upper).
    """
    r = clean_returns(returns)
    if r.size == 0:
        return float("nan")
    up, low = abs(float(np.quantile(r, cutoff))), abs(float(np.quantile(r, 1.0 - cutoff)))
    if negligible(low, up):
        return float("nan")
    return up / low


def _moments(
    returns: np.ndarray, least: int
) -> tuple[int, np.float64, np.float64, np.float64] | None:
    """n and the central moments 2-4, as NumPy floats: a ratio of subnormal moments
    (``m4 / m2**2`` with ``m2**2`` underflowing to 0) then gives inf/NaN under
    ``np.errstate`` instead of Python's ZeroDivisionError."""
    r = clean_returns(returns)
    n = r.size
    if n < least:
        return None
    d = r - r.mean()
    m2 = np.mean(d * d)
    if negligible(float(np.sqrt(m2)), float(r.mean())):
        return None
    return n, m2, np.mean(d**3), np.mean(d**4)


def skew(returns: np.ndarray) -> float:
    """Sample skewness, bias-adjusted (Fisher-Pearson ``G1``), as ``pandas.Series.skew``
    and ``quantstats.stats.skew``. NaN for fewer than 3 returns or constant returns
    (pandas gives 0 for constants).
    """
    m = _moments(returns, 3)
    if m is None:
        return float("nan")
    n, m2, m3, _ = m
    with np.errstate(all="ignore"):  # m2 of subnormal size: no usable shape
        out = float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)
    return out if np.isfinite(out) else float("nan")


def kurtosis(returns: np.ndarray) -> float:
    """Sample excess kurtosis, bias-adjusted (``G2``; 0 for a normal distribution), as
    ``pandas.Series.kurt`` and ``quantstats.stats.kurtosis``. NaN for fewer than 4
    returns or constant returns.
    """
    m = _moments(returns, 4)
    if m is None:
        return float("nan")
    n, m2, _, m4 = m
    with np.errstate(all="ignore"):
        g2 = m4 / (m2 * m2) - 3.0
        out = float(((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3)))
    return out if np.isfinite(out) else float("nan")
