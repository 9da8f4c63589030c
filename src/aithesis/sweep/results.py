"""Results of sweeps: one row per grid combination, with pandas views.

:class:`ModelSweepResult` holds a model's output (or Monte Carlo summaries) at every point
and pivots it into heatmap data; :class:`IndexSweepResult` holds the metrics of every rule
variant of an index with its best and worst and the selection-bias warning. Tables are
the source of truth; units are those of the model (model sweeps) or decimals, annualised
over 252 trading days (index sweeps).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aithesis.analytics.catalogue import get_metric
from aithesis.errors import SpecError

__all__ = ["IndexSweepResult", "ModelSweepResult"]


@dataclass(frozen=True)
class ModelSweepResult:
    """A model evaluated (or Monte-Carlo-run) at every point of a grid.

    Attributes:
        model: the model's name; output: the name swept; unit: its unit.
        params: the grid's parameters (the first columns of ``table``).
        table: one row per combination, in grid order: the parameters, then ``output``
            (deterministic) or ``mean``, ``std``, ``p5``, ``p50``, ``p95``,
            ``probability`` (with a target) and ``seed`` (Monte Carlo), then ``error``
            (None, or why that point has no number).
        draws: draws per point (None: deterministic); seed: the base seed.
        target: ``(name, op, value in the name's unit)`` or None.
    """

    model: str
    output: str
    unit: str
    params: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    draws: int | None = None
    seed: int | None = None
    target: tuple[str, str, float] | None = None
    scenario: str | None = None

    @property
    def value_column(self) -> str:
        """The column a heatmap shows by default: the output, P(target) or the mean."""
        if self.draws is None:
            return self.output
        return "probability" if self.target is not None else "mean"

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table`."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        runs = "base case" if self.draws is None else f"{self.draws:,} draws, seed {self.seed}"
        shown = self.heatmap() if len(self.params) == 2 else self.table
        return (
            f"<div><strong>{html.escape(self.model)}</strong>: "
            f"{html.escape(self.value_column)} of {html.escape(self.output)} "
            f"[{html.escape(self.unit)}] over {len(self.table):,} points ({runs})"
            f"{shown.to_html(max_rows=30)}</div>"
        )

    def heatmap(
        self,
        value: str | None = None,
        x: str | None = None,
        y: str | None = None,
        where: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Heatmap data: ``value`` with ``x`` values as rows and ``y`` values as columns.

        Args:
            value: a result column (default :attr:`value_column`).
            x, y: two parameters (default the first two); with one parameter the frame
                has a single column.
            where: values of the other parameters (required when there are more than two).

        Raises:
            SpecError: unknown column/parameter, or other parameters left unfixed.
        """
        value = value or self.value_column
        if value not in self.table.columns or value in self.params:
            raise SpecError(
                f"{value!r} is not a result column",
                field="value",
                hint="columns: " + ", ".join(c for c in self.table.columns if c not in self.params),
            )
        x = x or self.params[0]
        y = y or (self.params[1] if len(self.params) > 1 else None)
        where = dict(where or {})
        for key in (x, y, *where):
            if key is not None and key not in self.params:
                raise SpecError(
                    f"{key!r} is not a swept parameter",
                    field=key,
                    hint="parameters: " + ", ".join(self.params),
                )
        rest = [p for p in self.params if p not in (x, y) and p not in where]
        if rest:
            raise SpecError(
                f"a heatmap shows two parameters; fix {', '.join(rest)} with where=",
                field=rest[0],
            )
        rows = self.table
        for key, v in where.items():
            rows = rows[rows[key] == v]
        if y is None:
            return rows.set_index(x)[[value]]
        return rows.pivot(index=x, columns=y, values=value)


@dataclass(frozen=True)
class IndexSweepResult:
    """Metrics of every variant of a methodology, with best, worst and selection bias.

    Attributes:
        name: the methodology's name; params: the swept parameters (as given).
        table: one row per combination in grid order: the parameters, the metrics
            (:data:`aithesis.sweep.index_sweep.METRICS`, with a benchmark also
            ``RELATIVE``: the metric catalogue's entries with ``sweep=True``), ``days``,
            ``skewness``, ``kurtosis`` of daily returns, and ``error`` (None if built).
        rank_by: metric choosing best and worst, in the metric catalogue's direction
            (:attr:`~aithesis.analytics.metric.Metric.higher_is_better`: the best
            volatility is the lowest).
        benchmark: benchmark ticker of the relative metrics (None: none).
        deflated_sharpe: DSR of the best-Sharpe variant (see :mod:`.selection`).
        luck_sharpe: annualised Sharpe the best of that many unskilled variants reaches.
        warnings: the selection-bias warning, failed variants, data approximations.
    """

    name: str
    params: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    rank_by: str = "sharpe"
    benchmark: str | None = None
    deflated_sharpe: float | None = None
    luck_sharpe: float | None = None
    warnings: tuple[str, ...] = ()

    @property
    def n_variants(self) -> int:
        """Variants tried (rows)."""
        return len(self.table)

    @property
    def n_failed(self) -> int:
        """Variants that could not be built (rows with an ``error``)."""
        return int(self.table["error"].notna().sum())

    def _ranked(self) -> pd.Series:
        return self.table.loc[self.table["error"].isna(), self.rank_by].dropna()

    @property
    def higher_is_better(self) -> bool:
        """Whether a higher :attr:`rank_by` is better (the catalogue's direction)."""
        return get_metric(self.rank_by).higher_is_better is not False

    @property
    def best(self) -> pd.Series:
        """The row with the best :attr:`rank_by` (highest, or lowest for a risk)."""
        ranked = self._ranked()
        return self.table.loc[ranked.idxmax() if self.higher_is_better else ranked.idxmin()]

    @property
    def worst(self) -> pd.Series:
        """The row with the worst :attr:`rank_by` (lowest, or highest for a risk)."""
        ranked = self._ranked()
        return self.table.loc[ranked.idxmin() if self.higher_is_better else ranked.idxmax()]

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table`."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        def point(row: pd.Series) -> str:
            return html.escape(", ".join(f"{p}={row[p]}" for p in self.params))

        best, worst = self.best, self.worst
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return (
            f"<div><strong>{html.escape(self.name)}</strong>: {self.n_variants} variants "
            f"({self.n_failed} failed)<br>best by {self.rank_by}: {point(best)} "
            f"({best[self.rank_by]:.4g}); worst: {point(worst)} ({worst[self.rank_by]:.4g})"
            f"<ul>{notes}</ul>{self.table.to_html(max_rows=30)}</div>"
        )
