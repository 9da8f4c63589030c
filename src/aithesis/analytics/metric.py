"""The shape of a metric-catalogue entry: :class:`Metric` and its :class:`MetricInputs`.

The entries themselves are in :mod:`aithesis.analytics.catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from aithesis.analytics import returns as ret
from aithesis.analytics import risk

__all__ = ["Format", "Kind", "Metric", "MetricInputs"]

Kind = Literal["date", "count", "return", "risk", "ratio", "trading"]
Format = Literal["date", "count", "percent", "ratio"]


@dataclass(frozen=True)
class MetricInputs:
    """What a metric is computed from: one level series (and optionally a benchmark).

    Attributes:
        levels: ``(T,)`` positive levels; row 0 is the base date.
        days: ``T`` ISO dates of the levels.
        rf: annual risk-free rate (decimal); periods: periods per year.
        benchmark: ``(T,)`` benchmark levels on the same dates (None: no relative metrics).
        turnover: ``(T,)`` one-way turnover per day; rebalance_rows: rows that rebalanced;
        cost_points: total trading costs in index points (all three for an index only).
    """

    levels: np.ndarray
    days: tuple[str, ...]
    rf: float = 0.0
    periods: int = ret.TRADING_DAYS
    benchmark: np.ndarray | None = None
    turnover: np.ndarray | None = None
    rebalance_rows: np.ndarray | None = None
    cost_points: float = 0.0

    @cached_property
    def returns(self) -> np.ndarray:
        """Daily simple returns of :attr:`levels` (``T - 1`` values)."""
        return ret.simple_returns(self.levels)

    @cached_property
    def dates(self) -> np.ndarray:
        """:attr:`days` as ``datetime64[D]`` (``T`` values)."""
        return np.array(self.days, dtype="datetime64[D]")

    @cached_property
    def return_dates(self) -> np.ndarray:
        """The dates :attr:`returns` are labelled with (:attr:`dates` from row 1 on)."""
        return self.dates[1:]

    @cached_property
    def bench_returns(self) -> np.ndarray:
        """Daily simple returns of the benchmark (requires one)."""
        assert self.benchmark is not None
        return ret.simple_returns(self.benchmark)

    @cached_property
    def drawdown(self) -> risk.Drawdown:
        """The maximum drawdown of :attr:`levels`."""
        return risk.max_drawdown(self.levels)


@dataclass(frozen=True)
class Metric:
    """One metric and everything the shells need to show it.

    Attributes:
        name: the key in :meth:`IndexResult.metrics` (and the label key ``metric.<name>``).
        compute: ``MetricInputs -> value`` (float, int, ISO date text or None).
        kind: what it measures: ``date``, ``count``, ``return``, ``risk``, ``ratio`` or
            ``trading`` (turnover and costs).
        format: how it is shown: ``percent`` (a decimal as %), ``ratio`` (two decimals),
            ``date`` or ``count``.
        en, zh: the label in English and Chinese.
        higher_is_better: True/False for a direction; None for dates and counts.
        benchmark: needs a benchmark (computed only when one is given).
        signed: a percentage shown with ``+`` and coloured (False for sizes such as
            volatility).
        report: row position in the report's comparison table (None: not shown).
        dashboard: row position in the dashboard's metric table (None: not shown).
        sweep: a column of index sweeps.
        short: column header in the terminal's sweep table (None: not shown there).
    """

    name: str
    compute: Callable[[MetricInputs], Any]
    kind: Kind
    format: Format
    en: str
    zh: str
    higher_is_better: bool | None = None
    benchmark: bool = False
    signed: bool = True
    report: int | None = None
    dashboard: int | None = None
    sweep: bool = False
    short: str | None = None

    @property
    def label_key(self) -> str:
        """The message-catalogue key of the label: ``metric.<name>``."""
        return f"metric.{self.name}"
