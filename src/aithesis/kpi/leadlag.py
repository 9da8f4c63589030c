"""Lead-lag: does a KPI's growth lead later stock or index returns?

For each lag ``L`` in ``0..max_lag`` quarters we correlate the KPI growth of quarter
``t`` with the return of quarter ``t + L`` over every quarter where both exist (Pearson
correlation, two-sided p-value from :func:`scipy.stats.pearsonr`). Each lag reports its
own sample size ``n``; lags with fewer than ``min_points`` pairs get NaN, lags with fewer
than ``warn_below`` pairs carry a warning, and the whole call fails when not even lag 0
has ``min_points`` pairs. Note that a quarter's KPI is usually *published* weeks after
the quarter ends, so lag 0 mixes information the market did not yet have.

Inputs are pandas Series indexed by quarterly :class:`pandas.Period` (or anything
:func:`pandas.Period` accepts, e.g. ``"2025Q1"``); returns are simple, in decimal, per
quarter. No I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from aithesis.errors import DataError

__all__ = ["LeadLagResult", "cross_correlation", "quarterly_returns"]


@dataclass(frozen=True)
class LeadLagResult:
    """Correlation of KPI growth with returns ``lag`` quarters later.

    Attributes:
        kpi_name, returns_name: what was correlated (for display).
        lags: int array 0..max_lag.
        corr: Pearson correlation per lag (NaN when too few pairs or a constant input).
        pvalue: two-sided p-value per lag.
        n: number of (kpi, return) pairs per lag.
        warnings: one message per lag whose n is small (empty string otherwise).
    """

    kpi_name: str
    returns_name: str
    lags: np.ndarray
    corr: np.ndarray
    pvalue: np.ndarray
    n: np.ndarray
    warnings: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row a lag: ``lag, corr, pvalue, n, warning``."""
        return pd.DataFrame(
            {
                "lag": self.lags,
                "corr": self.corr,
                "pvalue": self.pvalue,
                "n": self.n,
                "warning": list(self.warnings),
            }
        )

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def _quarterly(series: pd.Series, name: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise DataError(f"{name} must be a pandas Series", field=name)
    try:
        index = pd.PeriodIndex([pd.Period(p, freq="Q") for p in series.index], freq="Q")
    except (ValueError, TypeError) as exc:
        raise DataError(f"{name} index is not quarterly: {exc}", field=name) from None
    out = pd.Series(np.asarray(series, dtype="float64"), index=index)
    if out.index.has_duplicates:
        dup = out.index[out.index.duplicated()][0]
        raise DataError(f"{name} has quarter {dup} twice", field=name)
    return out.sort_index()


def cross_correlation(
    kpi_growth: pd.Series,
    returns: pd.Series,
    *,
    max_lag: int = 4,
    min_points: int = 4,
    warn_below: int = 12,
) -> LeadLagResult:
    """Correlate KPI growth at quarter t with returns at quarter t + lag.

    Args:
        kpi_growth: quarterly KPI growth (decimal), indexed by quarter.
        returns: quarterly simple returns (decimal), indexed by quarter.
        max_lag: largest lag in quarters (>= 0).
        min_points: fewest pairs for a correlation to be computed (>= 3).
        warn_below: pairs below which a lag carries a small-sample warning.

    Returns:
        :class:`LeadLagResult`.

    Raises:
        DataError: bad arguments, non-quarterly indexes, or fewer than ``min_points``
            overlapping quarters at lag 0.
    """
    if max_lag < 0:
        raise DataError(f"max_lag must be >= 0, got {max_lag}", field="max_lag")
    if min_points < 3:
        raise DataError(f"min_points must be >= 3, got {min_points}", field="min_points")
    kpi = _quarterly(kpi_growth, "kpi_growth").dropna()
    ret = _quarterly(returns, "returns").dropna()
    lags = np.arange(max_lag + 1)
    corr = np.full(len(lags), math.nan)
    pval = np.full(len(lags), math.nan)
    counts = np.zeros(len(lags), dtype=int)
    notes: list[str] = []
    for i, lag in enumerate(lags):
        shifted = pd.Series(ret.to_numpy(), index=ret.index - int(lag))
        joined = pd.concat([kpi, shifted], axis=1, join="inner").dropna()
        counts[i] = len(joined)
        if i == 0 and counts[i] < min_points:
            raise DataError(
                f"only {counts[i]} quarters where {kpi_growth.name or 'the KPI'} growth and "
                f"{returns.name or 'the returns'} overlap; need at least {min_points}",
                field="kpi_growth",
                hint="load more quarters of the KPI (e.g. `aithesis kpi pull --provider sec`)",
            )
        note = ""
        if counts[i] < min_points:
            note = f"n={counts[i]} < {min_points}: not computed"
        else:
            x, y = joined.iloc[:, 0].to_numpy(), joined.iloc[:, 1].to_numpy()
            if np.ptp(x) == 0 or np.ptp(y) == 0:
                note = "constant input: correlation undefined"
            else:
                res = stats.pearsonr(x, y)
                corr[i], pval[i] = float(res.statistic), float(res.pvalue)
            if counts[i] < warn_below:
                note = (
                    note + "; " if note else ""
                ) + f"small sample (n={counts[i]} < {warn_below})"
        notes.append(note)
    return LeadLagResult(
        kpi_name=str(kpi_growth.name or "kpi"),
        returns_name=str(returns.name or "returns"),
        lags=lags,
        corr=corr,
        pvalue=pval,
        n=counts,
        warnings=tuple(notes),
    )


def quarterly_returns(
    dates: np.ndarray, prices: np.ndarray, *, name: str = "returns", max_gap_days: int = 7
) -> pd.Series:
    """Simple quarterly returns from a daily price series (decimal).

    The return of quarter q is ``last price in q / last price in q-1 - 1``. NaN prices
    are skipped. A quarter counts only when its last observation lies within
    ``max_gap_days`` of the quarter end (so a half-observed final quarter is dropped).

    Args:
        dates: datetime64 array of trading dates (any order).
        prices: float array of the same length (total-return prices for total returns).
        name: the Series name.

    Returns:
        Series indexed by quarterly Period.
    """
    series = pd.Series(np.asarray(prices, dtype="float64"), index=pd.DatetimeIndex(dates)).dropna()
    if series.empty:
        return pd.Series([], dtype="float64", index=pd.PeriodIndex([], freq="Q"), name=name)
    series = series.sort_index()
    quarters = series.index.to_period("Q")
    last = series.groupby(quarters).last()
    last_date = pd.Series(series.index, index=series.index).groupby(quarters).last()
    quarter_end = last.index.to_timestamp(how="end").normalize()
    complete = (quarter_end - pd.DatetimeIndex(last_date.to_numpy())).days <= max_gap_days
    last = last[np.asarray(complete)]
    full = last.reindex(pd.period_range(last.index.min(), last.index.max(), freq="Q"))
    out = full / full.shift(1) - 1.0
    return out.dropna().rename(name)
