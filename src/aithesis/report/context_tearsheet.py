"""The report's tear-sheet sections: monthly-returns heatmap, rolling risk, weights and
turnover. Presentation only.

The heatmap's months come from :func:`aithesis.analytics.monthly_returns_table` and its
year column is the calendar-year return the report's calendar table shows
(``IndexSection.calendar``); every cell keeps its full-precision value in ``data-value``
so a test can check that the months compound to the year. Figures are drawn by
:mod:`aithesis.report.charts_analytics`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from aithesis import analytics as an
from aithesis.index.result import IndexResult
from aithesis.project.results import ProjectResults
from aithesis.report import charts_analytics as ca
from aithesis.report.charts import index_series
from aithesis.report.fragments import figure_html
from aithesis.report.i18n import Translator
from aithesis.report.plotstyle import heat_color

__all__ = ["MONTH_SCALE", "YEAR_SCALE", "monthly_view", "tearsheet_view", "weights_note"]

MONTH_SCALE = 0.10
"""A month return of +-10% or more gets the full green/red."""
YEAR_SCALE = 0.50
"""A year return of +-50% or more gets the full green/red."""


def _cell(value: float | None, key: str, scale: float, t: Translator) -> dict[str, Any]:
    if value is None or not np.isfinite(value):
        return {"text": "", "key": "", "value": "", "bg": "", "tone": ""}
    v = float(value)
    return {
        "text": t.pct(v, signed=True),
        "key": key,
        "value": repr(v),
        "bg": heat_color(v, scale),
        "tone": "pos" if v > 0 else "neg" if v < 0 else "",
    }


def monthly_view(
    result: IndexResult,
    calendar: pd.Series,
    t: Translator,
    year_label: Callable[[int], str],
    key: str,
) -> dict[str, Any]:
    """Years down, months across, then the calendar-year return.

    Args:
        result: the index; its daily returns are grouped into months.
        calendar: the calendar-year returns shown elsewhere (year -> decimal).
        year_label: the row label of a year (marks a partial first or last year).
        key: the index's key, for the cells' ``data-key`` (``monthly.<key>.<year>.<m>``,
            ``m`` 1..12 or ``year``).

    Returns:
        ``{"heads": [...13 labels], "rows": [{"label", "partial", "cells": [...]}]}``;
        each cell has ``text``, ``value`` (``repr`` of the decimal), ``key``, ``bg``
        (background colour) and ``tone``; months without a return are blank.
    """
    years, table = an.monthly_returns_table(
        result.dates[1:], an.simple_returns(result.level_values)
    )
    heads = [t(f"month.{m}") for m in range(1, 13)] + [t("monthly.year_total")]
    rows = []
    for year, months in zip(years.tolist(), table, strict=True):
        cells = [
            _cell(v, f"monthly.{key}.{year}.{m}", MONTH_SCALE, t)
            for m, v in enumerate(months.tolist(), start=1)
        ]
        total = float(calendar.loc[year]) if year in calendar.index else None
        cells.append(_cell(total, f"monthly.{key}.{year}.year", YEAR_SCALE, t))
        label = year_label(int(year))
        rows.append({"label": label, "partial": label != str(year), "cells": cells})
    return {"heads": heads, "rows": rows}


def weights_note(result: IndexResult, by: str, t: Translator) -> str:
    """Why the weights chart stacks constituents or themes."""
    held = int((np.nan_to_num(result.weight_values) > 0).any(axis=0).sum())
    if by == "theme":
        themes = len(ca.weight_frame(result, "theme").columns)
        return t("ts.weights_why_theme", names=held, max=ca.MAX_STACKED_NAMES, themes=themes)
    return t("ts.weights_why_stock", names=held, max=ca.MAX_STACKED_NAMES)


def tearsheet_view(
    results: ProjectResults, t: Translator, year_label: Callable[[int], str]
) -> dict[str, Any]:
    """Everything the three tear-sheet sections show, for one language."""
    first = next(iter(results.benchmarks.items()), None)
    bench = None if first is None else (t.company_ticker(first[0]), first[1])
    series = index_series(results, t)
    rf = float(getattr(results, "risk_free", 0.0) or 0.0)
    indexes = []
    for i, s in enumerate(results.indexes):
        by = ca.weights_grouping(s.result)
        avg = s.metrics.get("avg_turnover_per_rebalance")
        indexes.append(
            {
                "name": t.index_name(s),
                "monthly": monthly_view(s.result, s.calendar, t, year_label, s.key),
                "weights": figure_html(ca.weights_area(s.result, t, by), f"fig-weights-{i}"),
                "weights_note": weights_note(s.result, by, t),
                "turnover": figure_html(ca.turnover_bars(s.result, t, avg), f"fig-turnover-{i}"),
            }
        )
    window = ca.ROLLING_RISK_WINDOW
    return {
        "indexes": indexes,
        "fig_vol": figure_html(ca.rolling_volatility(series, t, window), "fig-rolling-vol"),
        "fig_beta": None  # no benchmark, no beta
        if bench is None
        else figure_html(
            ca.rolling_beta(series[: len(results.indexes)], bench, t, window), "fig-rolling-beta"
        ),
        "fig_sharpe": figure_html(ca.rolling_sharpe(series, t, window, rf), "fig-rolling-sharpe"),
        "bench": "" if bench is None else bench[0],
        "window": window,
    }
