"""``IndexResult``: the frozen outcome of building an index, with pandas views.

Arrays are the source of truth; ``levels``, ``weights``, ``metrics()``,
``contributions()`` and ``to_frame()`` are read-only views for notebooks and shells.
Levels are index points; returns simple decimals; weights fractions of index value.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aithesis import analytics as an
from aithesis.analytics.catalogue import MetricInputs, compute_metrics
from aithesis.errors import DataError
from aithesis.index.excel import XLSX_NAME, workbook_bytes

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.index.coverage import DataEnd
    from aithesis.index.methodology import Methodology

__all__ = ["OUTPUT_FILES", "IndexResult", "align_benchmark", "json_ready"]

OUTPUT_FILES: tuple[str, ...] = (
    "levels.csv",
    "weights.csv",
    "contributions.csv",
    "metrics.json",
    XLSX_NAME,
)
"""The files :meth:`IndexResult.save` writes."""


def json_ready(metrics: dict[str, Any]) -> dict[str, Any]:
    """Metrics for strict JSON: NaN (an undefined ratio) becomes None."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in metrics.items()}


@dataclass(frozen=True, eq=False)
class IndexResult:
    """A built index.

    Attributes:
        name: the methodology's name.
        dates: ``(T,)`` ``datetime64[D]`` trading dates; row 0 is the base date.
        tickers: the ``N`` candidate names (columns of the arrays).
        level_values: ``(T,)`` index levels after each day's trades and costs.
        weight_values: ``(T, N)`` end-of-day weights.
        prices: ``(T, N)`` the prices the index used, in index currency (NaN outside each
            stock's listed window).
        rebalance_rows: rows at whose close weights were reset.
        turnover: ``(T,)`` one-way turnover per day; costs: ``(T,)`` costs per day as a
            fraction of the pre-trade level.
        pnl: ``(N,)`` each stock's profit in index points; cost_points: total costs.
        themes: ``(N,)`` the theme each name is attributed to (None if unknown).
        currency: index currency; return_type: ``total`` or ``price``.
        methodology: the methodology built (None for engine-level use).
        warnings: notes about approximations made while building.
        sources: ``(series, origin)`` pairs: where the store's series of each ticker
            (and FX pair used) came from (its ``source`` provenance; None if unknown).
    """

    name: str
    dates: np.ndarray
    tickers: tuple[str, ...]
    level_values: np.ndarray
    weight_values: np.ndarray
    prices: np.ndarray
    rebalance_rows: np.ndarray
    turnover: np.ndarray
    costs: np.ndarray
    pnl: np.ndarray
    cost_points: float
    themes: tuple[str | None, ...]
    currency: str = "USD"
    return_type: str = "total"
    methodology: Methodology | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[tuple[str, str | None], ...] = field(default_factory=tuple)

    # ---- pandas views -------------------------------------------------------------
    @property
    def index(self) -> pd.DatetimeIndex:
        """The dates as a ``DatetimeIndex`` named ``date``."""
        return pd.DatetimeIndex(self.dates.astype("datetime64[ns]"), name="date")

    @property
    def levels(self) -> pd.Series:
        """Index levels by date (``base_value`` at the base date)."""
        return pd.Series(self.level_values, index=self.index, name=self.name)

    @property
    def returns(self) -> pd.Series:
        """Daily simple returns, labelled with the date they end on."""
        return pd.Series(an.simple_returns(self.level_values), index=self.index[1:], name=self.name)

    @property
    def weights(self) -> pd.DataFrame:
        """End-of-day weights by date x ticker."""
        return pd.DataFrame(self.weight_values, index=self.index, columns=list(self.tickers))

    @property
    def rebalance_dates(self) -> pd.DatetimeIndex:
        """Dates at whose close the weights were reset."""
        return self.index[self.rebalance_rows]

    @property
    def total_return(self) -> float:
        """Cumulative return from the base date to the last date (decimal)."""
        return float(self.level_values[-1] / self.level_values[0] - 1.0)

    # ---- analytics ----------------------------------------------------------------
    def metrics(
        self,
        benchmark: pd.Series | IndexResult | None = None,
        *,
        rf: float = 0.0,
        periods: int = an.TRADING_DAYS,
    ) -> dict[str, Any]:
        """Performance and risk metrics, optionally relative to a benchmark.

        Args:
            benchmark: benchmark levels or prices by date (a Series, or another result);
                aligned to this index's dates with the last price on or before each date.
            rf: annual risk-free rate (decimal) for Sharpe, Sortino and alpha.
            periods: periods per year (252 trading days).

        Returns:
            ``{metric: value}`` for every entry of the metric catalogue
            (:data:`aithesis.analytics.catalogue.CATALOGUE`, relative ones only with a
            benchmark): returns and ratios in decimal, drawdown dates as ISO strings
            (``max_drawdown_recovery`` None if not recovered).

        Raises:
            DataError: when the benchmark has no price on or before the base date.
        """
        bench = None if benchmark is None else align_benchmark(benchmark, self.dates)
        inputs = MetricInputs(
            levels=self.level_values,
            days=tuple(str(d) for d in self.dates.astype("datetime64[D]")),
            rf=rf,
            periods=periods,
            benchmark=bench,
            turnover=self.turnover,
            rebalance_rows=self.rebalance_rows,
            cost_points=self.cost_points,
        )
        return compute_metrics(inputs)

    def contributions(self, by: Literal["stock", "theme"] = "stock") -> pd.Series:
        """Contribution of each stock (or theme) to the cumulative return, in decimal.

        The values, plus a ``(costs)`` entry when costs were charged, sum exactly to
        :attr:`total_return`. Sorted largest first.
        """
        if by not in ("stock", "theme"):
            raise ValueError("by must be 'stock' or 'theme'")
        per_stock = self.pnl / self.level_values[0]
        if by == "stock":
            values = dict(zip(self.tickers, per_stock.tolist(), strict=True))
        else:
            values = an.group_contributions(per_stock, self.themes)
        series = pd.Series(values, name="contribution", dtype=float).sort_values(ascending=False)
        series.index.name = by
        if self.cost_points:
            series.loc["(costs)"] = -self.cost_points / self.level_values[0]
        return series

    def concentration(
        self, fractions: tuple[float, ...] = (0.1, 0.2, 0.5)
    ) -> tuple[tuple[np.ndarray, np.ndarray], float, dict[float, float]]:
        """Power-law view of the stocks' gains (article 002's "top 1% made 99%").

        Gains are each stock's contribution to the total return (decimal). The Lorenz
        curve and Gini use the positive gains (losers add nothing to a share of gains);
        the top shares use all of them, as :func:`aithesis.analytics.top_share` does.

        Returns:
            ``((x, y) Lorenz curve, Gini, {fraction: share of total gain})``; a flat
            curve and NaN Gini when no stock gained.
        """
        gains = self.pnl / self.level_values[0]
        positive = np.clip(gains, 0.0, None)
        if (positive > 0).any():
            curve, g = an.lorenz_curve(positive), an.gini(positive)
        else:
            curve, g = (np.array([0.0, 1.0]), np.array([0.0, 1.0])), float("nan")
        return curve, g, an.top_shares(gains, fractions)

    def calendar_years(self) -> pd.Series:
        """Compounded return of each calendar year (the first from the base close)."""
        years, values = an.calendar_year_returns(
            self.dates[1:], an.simple_returns(self.level_values)
        )
        return pd.Series(values, index=pd.Index(years, name="year"), name=self.name)

    def to_frame(self) -> pd.DataFrame:
        """Daily table: level, return, turnover, cost and whether the day rebalanced."""
        frame = pd.DataFrame(
            {
                "level": self.level_values,
                "return": np.concatenate(([np.nan], an.simple_returns(self.level_values))),
                "turnover": self.turnover,
                "cost": self.costs,
                "rebalance": np.isin(np.arange(self.dates.size), self.rebalance_rows),
            },
            index=self.index,
        )
        return frame

    def coverage(self) -> pd.DataFrame:
        """Per constituent: first and last date with a price, days with and without one,
        and whether its data end before the index (see
        :func:`aithesis.index.coverage.coverage_table`)."""
        from aithesis.index.coverage import coverage_table

        return coverage_table(self.dates, self.tickers, self.prices)

    def data_ends(self) -> list[DataEnd]:
        """The constituents whose data end before the index's last date
        (:class:`aithesis.index.coverage.DataEnd`: ticker, last, end)."""
        from aithesis.index.coverage import data_ends

        return data_ends(self.dates, self.tickers, self.prices)

    # ---- output -------------------------------------------------------------------
    def output_files(
        self, benchmark: pd.Series | IndexResult | None = None, *, rf: float = 0.0
    ) -> dict[str, bytes]:
        """The contents of :data:`OUTPUT_FILES`, rendered in memory.

        ``levels.csv`` (date, level), ``weights.csv`` (date x ticker, end of day),
        ``contributions.csv`` (by stock and by theme, decimal, plus ``(costs)``) and
        ``metrics.json`` (:meth:`metrics`, NaN written as null) and ``index.xlsx``
        (the same tables as an Excel workbook with an About sheet stating units,
        conventions and data sources: :mod:`aithesis.index.excel`).

        Raises:
            DataError: a level is not finite (``base_value`` x growth overflowed) or a
                metric is infinite, so the files would not hold real numbers.
        """
        if not np.isfinite(self.level_values).all():
            raise DataError(
                "index levels overflow the float range (not finite)",
                field="base_value",
                hint="use a base_value such as 100 or 1000",
            )
        metrics = json_ready(self.metrics(benchmark=benchmark, rf=rf))
        infinite = [k for k, v in metrics.items() if isinstance(v, float) and math.isinf(v)]
        if infinite:
            raise DataError(
                f"metric {infinite[0]!r} is infinite and cannot be written to metrics.json",
                field=infinite[0],
                hint="check base_value and the window of the index",
            )
        contributions = pd.concat(
            {"stock": self.contributions(by="stock"), "theme": self.contributions(by="theme")},
            names=["by", "name"],
        )
        text = {
            "levels.csv": self.levels.rename("level").to_csv(),
            "weights.csv": self.weights.to_csv(),
            "contributions.csv": contributions.to_csv(),
            "metrics.json": json.dumps(metrics, indent=2, default=str, allow_nan=False) + "\n",
        }
        files = {name: payload.encode("utf-8") for name, payload in text.items()}
        files[XLSX_NAME] = workbook_bytes(self, metrics, contributions)
        return {name: files[name] for name in OUTPUT_FILES}

    def save(
        self,
        folder: str | PathLike[str],
        benchmark: pd.Series | IndexResult | None = None,
        *,
        rf: float = 0.0,
    ) -> Path:
        """Write :data:`OUTPUT_FILES` into ``folder``, all or nothing.

        Everything is rendered in memory first (:meth:`output_files`), then written
        through a temporary folder beside the target and renamed into place: on any
        failure no file of this call is left (an existing folder keeps its old files).

        Args:
            folder: the output folder (created with its parents when missing).
            benchmark: for the relative metrics in ``metrics.json``; rf: annual
                risk-free rate (decimal).

        Returns:
            The folder.

        Raises:
            AithesisError: the folder is a file, lies under a file, or cannot be
                written. DataError: as :meth:`output_files`.
        """
        from aithesis.index.output import write_folder

        return write_folder(folder, self.output_files(benchmark, rf=rf))

    def _repr_html_(self) -> str:
        m = self.metrics()
        top = self.contributions().head(5)
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{v:+.2%}</td></tr>" for k, v in top.items()
        )
        return (
            f"<div><strong>{html.escape(self.name)}</strong> "
            f"({m['start']} to {m['end']}, {self.currency}, {self.return_type} return)"
            f"<table><tr><td>level</td><td>{self.level_values[-1]:,.2f}</td></tr>"
            f"<tr><td>total return</td><td>{m['total_return']:+.2%}</td></tr>"
            f"<tr><td>annualised</td><td>{m['annualised_return']:+.2%}</td></tr>"
            f"<tr><td>volatility</td><td>{m['volatility']:.2%}</td></tr>"
            f"<tr><td>max drawdown</td><td>{m['max_drawdown']:.2%}</td></tr></table>"
            f"<em>top contributors</em><table>{rows}</table></div>"
        )

    def __repr__(self) -> str:
        return (
            f"IndexResult({self.name!r}, {self.dates[0]}..{self.dates[-1]}, "
            f"{len(self.tickers)} names, level {self.level_values[-1]:.2f})"
        )


def align_benchmark(benchmark: pd.Series | IndexResult, dates: np.ndarray) -> np.ndarray:
    """Benchmark levels on the given dates (last value on or before each date).

    Raises:
        DataError: when the benchmark has no value on or before the first date.
    """
    series = benchmark.levels if isinstance(benchmark, IndexResult) else benchmark
    series = series.dropna()
    idx = pd.DatetimeIndex(pd.to_datetime(series.index)).as_unit("ns")
    series = pd.Series(series.to_numpy(dtype=np.float64), index=idx).sort_index()
    target = pd.DatetimeIndex(np.asarray(dates).astype("datetime64[ns]"))
    aligned = series.reindex(series.index.union(target)).ffill().reindex(target)
    if aligned.isna().any():
        first = str(np.asarray(dates)[0])[:10]
        name = getattr(benchmark, "name", None) or "benchmark"
        raise DataError(
            f"benchmark {name} has no price on or before {first}",
            field=str(name),
            hint="choose a benchmark that covers the index's whole window",
        )
    return aligned.to_numpy()
