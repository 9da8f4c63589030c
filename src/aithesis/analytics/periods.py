"""Calendar periods: best and worst day/month/year, win rate, average up/down month,
drawdown durations and the monthly-returns table (years x months).

Returns are simple per-period decimals labelled with their dates (for index levels: the
dates from the second row on, the first return running from the base close). Months and
years compound the returns dated in them, as ``empyrical.aggregate_returns`` and
quantstats' ``aggregate_returns`` do. NaN policy (:mod:`aithesis.analytics.nanpolicy`):
NaN returns are dropped (a month of NaN only has no return); no returns give NaN.
Durations are calendar days.
"""

from __future__ import annotations

import numpy as np

from aithesis.analytics.nanpolicy import as_1d, clean_levels
from aithesis.analytics.risk import max_drawdown
from aithesis.errors import DataError

__all__ = [
    "avg_down_month",
    "avg_up_month",
    "best",
    "longest_drawdown_days",
    "monthly_returns_table",
    "period_returns",
    "recovery_days",
    "win_rate",
    "worst",
]

_UNIT = {"day": None, "month": "datetime64[M]", "year": "datetime64[Y]"}


def _dates(dates: np.ndarray, n: int) -> np.ndarray:
    d = np.asarray(dates).astype("datetime64[D]")
    if d.shape != (n,):
        raise DataError(f"{d.size} dates for {n} values; give one date per value", field="dates")
    return d


def period_returns(
    dates: np.ndarray, returns: np.ndarray, period: str = "month"
) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, values)``: the compounded return of each calendar ``period``.

    Args:
        dates: ``(n,)`` sorted dates the returns are labelled with.
        returns: ``(n,)`` per-period returns.
        period: ``day`` (the returns themselves), ``month`` or ``year``.

    Returns:
        The first day of each period (``datetime64[M]``/``[Y]``; the dates for ``day``)
        and its compounded return, for periods with at least one non-NaN return.
    """
    if period not in _UNIT:
        raise DataError(f"unknown period {period!r}; use day, month or year", field="period")
    r = as_1d(returns)
    d = _dates(dates, r.size)
    keep = ~np.isnan(r)
    r, d = r[keep], d[keep]
    if period == "day" or r.size == 0:
        return d, r
    key = d.astype(_UNIT[period])
    starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
    return key[starts], np.multiply.reduceat(1.0 + r, starts) - 1.0


def best(dates: np.ndarray, returns: np.ndarray, period: str = "day") -> float:
    """The highest day/month/year return (``quantstats.stats.best(aggregate=None /
    "ME" / "year")``; quantstats' ``aggregate="month"`` pools each month of the year
    across years instead); NaN without returns."""
    v = period_returns(dates, returns, period)[1]
    return float(v.max()) if v.size else float("nan")


def worst(dates: np.ndarray, returns: np.ndarray, period: str = "day") -> float:
    """The lowest day/month/year return (``quantstats.stats.worst``, as :func:`best`);
    NaN without returns."""
    v = period_returns(dates, returns, period)[1]
    return float(v.min()) if v.size else float("nan")


def win_rate(returns: np.ndarray) -> float:
    """Share of the non-zero, non-NaN returns that are positive (decimal).

    quantstats' ``win_rate`` definition (flat periods count neither way). NaN when no
    return is non-zero (quantstats gives 0.0 there, with a warning).
    """
    r = as_1d(returns)
    moved = r[~np.isnan(r) & (r != 0.0)]
    return float(np.mean(moved > 0.0)) if moved.size else float("nan")


def avg_up_month(dates: np.ndarray, returns: np.ndarray) -> float:
    """Mean of the positive monthly returns (``quantstats.stats.avg_win(returns,
    aggregate="M")``); NaN without an up month."""
    v = period_returns(dates, returns, "month")[1]
    up = v[v > 0.0]
    return float(up.mean()) if up.size else float("nan")


def avg_down_month(dates: np.ndarray, returns: np.ndarray) -> float:
    """Mean of the negative monthly returns (``quantstats.stats.avg_loss(returns,
    aggregate="M")``); NaN without a down month."""
    v = period_returns(dates, returns, "month")[1]
    down = v[v < 0.0]
    return float(down.mean()) if down.size else float("nan")


def _spells(levels: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The rows of the non-NaN levels and each under-water spell as (first, last) index
    into them (last = the final row below the peak)."""
    rows, lv = clean_levels(levels)
    under = lv < np.maximum.accumulate(lv) if lv.size else np.zeros(0, bool)
    edges = np.diff(np.concatenate(([0], under.astype(np.int8), [0])))
    firsts, lasts = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return rows, list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def longest_drawdown_days(dates: np.ndarray, levels: np.ndarray) -> int:
    """Calendar days of the longest spell below a previous peak.

    From the first day under water to the last one, both counted (``(last - first).days
    + 1``); a spell still open runs to the last date. Equals ``max(quantstats.stats.
    drawdown_details(to_drawdown_series(returns))["days"])``. 0 with no drawdown.
    """
    lv = as_1d(levels, "levels")
    d = _dates(dates, lv.size)
    rows, spells = _spells(lv)
    if not spells:
        return 0
    return max(int((d[rows[b]] - d[rows[a]]).astype(int)) + 1 for a, b in spells)


def recovery_days(dates: np.ndarray, levels: np.ndarray) -> int | None:
    """Calendar days from the trough of the maximum drawdown back to its peak level.

    The trough and recovery are those of :func:`aithesis.analytics.max_drawdown`; None
    when the index has not recovered (or never fell). pyfolio's "recovery date" minus
    its "valley date".
    """
    lv = as_1d(levels, "levels")
    d = _dates(dates, lv.size)
    dd = max_drawdown(lv)
    if dd.recovery is None:
        return None
    return int((d[dd.recovery] - d[dd.trough]).astype(int))


def monthly_returns_table(dates: np.ndarray, returns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The monthly-returns heatmap table: ``(years, table)`` with ``table[i, m]`` the
    compounded return of month ``m + 1`` of ``years[i]`` (NaN where no return is dated).

    Each row compounds to that calendar year's return,
    ``prod(1 + nan_to_num(row)) - 1 == calendar_year_returns(...)`` (to rounding), the
    grouping of ``quantstats.stats.monthly_returns`` without its EOY column.
    """
    starts, values = period_returns(dates, returns, "month")
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 12))
    months = starts.astype(np.int64)  # months since 1970-01
    years = np.arange(months[0] // 12, months[-1] // 12 + 1)
    table = np.full((years.size, 12), np.nan)
    table[months // 12 - years[0], months % 12] = values
    return years + 1970, table
