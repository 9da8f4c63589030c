"""Tear-sheet figures: rolling volatility, beta and Sharpe, weights over time, turnover.

Shared by the report (:mod:`aithesis.report.context_tearsheet`) and the dashboard's index
page (:mod:`aithesis.app.page_index_analytics`). Each function takes
:class:`~aithesis.index.result.IndexResult` objects and a
:class:`~aithesis.report.i18n.Translator` and returns a ``plotly`` figure. Every number
comes from the library: rolling values from :func:`aithesis.analytics.rolling_volatility`,
:func:`~aithesis.analytics.rolling_beta` and :func:`~aithesis.analytics.rolling_sharpe`
on the daily returns of the levels, weights from ``IndexResult.weights`` (end of day),
turnover from ``IndexResult.turnover`` (one-way, per trade). The only arithmetic here is
grouping weights by theme for the stacked chart (a sum of the members' weights).

Conventions: a rolling value is dated at the close ending its window (window ``k`` of
``window`` returns ends at return ``k + window - 1``, i.e. at date row ``k + window``);
volatility is annualised (sd x sqrt(252)); Sharpe is annualised with the project's
risk-free rate; axis values are decimals shown as percentages where the axis says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from aithesis import analytics as an
from aithesis.errors import DataError
from aithesis.index.result import IndexResult, align_benchmark
from aithesis.report.i18n import Translator
from aithesis.report.plotstyle import NEG, PALETTE, date_axis, iso_days, style

__all__ = [
    "MAX_STACKED_NAMES",
    "ROLLING_RISK_WINDOW",
    "Line",
    "rolling_beta",
    "rolling_dates",
    "rolling_sharpe",
    "rolling_volatility",
    "turnover_bars",
    "turnover_rows",
    "weight_frame",
    "weights_area",
    "weights_grouping",
]

ROLLING_RISK_WINDOW = 126
"""Trading days in the rolling volatility, beta and Sharpe windows (about six months)."""
MAX_STACKED_NAMES = 10
"""Above this many held names the weights chart stacks themes, not constituents: more
bands than the palette has distinct colours cannot be told apart."""

Line = tuple[str, IndexResult, dict[str, Any]]
"""``(label, result, plotly line style)`` of one series on a rolling chart."""

_AREA_COLORS = (*PALETTE, "#b08968", "#3d5a80", "#98c1d9", "#ee6c4d")


def rolling_dates(result: IndexResult, window: int) -> np.ndarray:
    """The date each rolling value is shown at: the close that ends its window."""
    return result.dates[window:]


def _rolling_fig(
    traces: list[tuple[str, np.ndarray, np.ndarray, dict[str, Any]]],
    title: str,
    y_title: str,
    hover: str,
    tickformat: str | None,
    lang: str,
    line_at: float | None,
) -> go.Figure:
    fig = go.Figure()
    for label, dates, values, line in traces:
        fig.add_trace(
            go.Scatter(
                x=iso_days(dates),
                y=values,
                name=label,
                mode="lines",
                line=line,
                hovertemplate="%{x}<br>%{y:" + hover + "}<extra>" + label + "</extra>",
            )
        )
    if line_at is not None:
        fig.add_hline(y=line_at, line={"color": "#888", "width": 1})
    style(fig, 360, title={"text": title, "font": {"size": 14}, "x": 0, "y": 0.98})
    # the legend names the line even when there is one (the dashboard's beta chart)
    fig.update_layout(
        margin={"l": 60, "r": 30, "t": 70, "b": 40}, legend={"y": 1.0}, showlegend=True
    )
    fig.update_yaxes(title_text=y_title, tickformat=tickformat)
    return date_axis(fig, lang)


def rolling_volatility(
    series: list[Line], t: Translator, window: int = ROLLING_RISK_WINDOW
) -> go.Figure:
    """Annualised volatility over the trailing ``window`` trading days of each series."""
    traces = []
    for label, res, line in series:
        returns = an.simple_returns(res.level_values)
        if returns.size < window:
            continue
        values = an.rolling_volatility(returns, window)
        traces.append((label, rolling_dates(res, window), values, line))
    return _rolling_fig(
        traces,
        t("ts.rolling_vol_title", window=window),
        t("ts.axis_vol"),
        ".1%",
        ".0%",
        t.lang,
        None,
    )


def rolling_beta(
    series: list[Line],
    benchmark: tuple[str, IndexResult] | None,
    t: Translator,
    window: int = ROLLING_RISK_WINDOW,
) -> go.Figure:
    """Beta against ``benchmark`` (label, levels) over the trailing ``window`` days.

    The benchmark's levels are aligned to each series' dates (last close on or before);
    the benchmark itself is not drawn (its beta is 1). A line at 1 marks market beta.
    """
    traces = []
    bench_label = ""
    if benchmark is not None:
        bench_label, bench = benchmark
        for label, res, line in series:
            returns = an.simple_returns(res.level_values)
            if res is bench or returns.size < window:
                continue
            try:
                reference = an.simple_returns(align_benchmark(bench, res.dates))
            except DataError:  # the benchmark starts after this series: no beta to draw
                continue
            values = an.rolling_beta(returns, reference, window)
            traces.append((label, rolling_dates(res, window), values, line))
    return _rolling_fig(
        traces,
        t("ts.rolling_beta_title", window=window, bench=bench_label),
        t("ts.axis_beta"),
        ".2f",
        None,
        t.lang,
        1.0,
    )


def rolling_sharpe(
    series: list[Line], t: Translator, window: int = ROLLING_RISK_WINDOW, rf: float = 0.0
) -> go.Figure:
    """Annualised Sharpe ratio over the trailing ``window`` days (``rf`` annual decimal)."""
    traces = []
    for label, res, line in series:
        returns = an.simple_returns(res.level_values)
        if returns.size < window:
            continue
        values = an.rolling_sharpe(returns, window, rf=rf)
        traces.append((label, rolling_dates(res, window), values, line))
    return _rolling_fig(
        traces,
        t("ts.rolling_sharpe_title", window=window),
        t("ts.axis_sharpe", rf=t.pct(rf)),
        ".2f",
        None,
        t.lang,
        0.0,
    )


def weights_grouping(result: IndexResult) -> str:
    """``stock`` when at most :data:`MAX_STACKED_NAMES` names are ever held, else ``theme``."""
    held = int((np.nan_to_num(result.weight_values) > 0).any(axis=0).sum())
    return "stock" if held <= MAX_STACKED_NAMES else "theme"


def weight_frame(result: IndexResult, by: str) -> pd.DataFrame:
    """End-of-day weights (date x name) of the names ever held, or summed by theme.

    Columns are ordered by average weight, largest first; a name without a theme is
    grouped under ``None``. Rows sum to 1 less any cash (after every holding exited).
    """
    w = result.weights.fillna(0.0)
    held = (w > 0).any(axis=0).to_numpy()
    w = w.loc[:, held]
    if by == "theme":
        themes = [result.themes[i] for i in np.flatnonzero(held)]
        keys = ["\x00" if th is None else th for th in themes]
        w = w.T.groupby(keys, sort=False).sum().T
        w.columns = [None if c == "\x00" else c for c in w.columns]
    order = w.mean(axis=0).sort_values(ascending=False, kind="stable").index
    return w.loc[:, order]


def weights_area(result: IndexResult, t: Translator, by: str | None = None) -> go.Figure:
    """Stacked area of end-of-day weights per constituent or per theme
    (``by`` defaults to :func:`weights_grouping`)."""
    by = by or weights_grouping(result)
    frame = weight_frame(result, by)
    x = iso_days(result.dates)
    fig = go.Figure()
    for k, key in enumerate(frame.columns):
        label = t.theme(key) if by == "theme" else t.company_ticker(key)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame[key].to_numpy(),
                name=label,
                mode="lines",
                stackgroup="weights",
                line={"width": 0.6, "color": _AREA_COLORS[k % len(_AREA_COLORS)]},
                hovertemplate="%{x}<br>%{y:.1%}<extra>" + label + "</extra>",
            )
        )
    title = t("ts.weights_title_theme" if by == "theme" else "ts.weights_title_stock")
    style(fig, 460, title={"text": title, "font": {"size": 14}, "x": 0, "y": 0.98})
    fig.update_layout(
        margin={"l": 60, "r": 30, "t": 40, "b": 90},
        # below the plot, so every index's chart has the same width whatever its names
        legend={"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0, "traceorder": "reversed"},
    )
    fig.update_yaxes(title_text=t("ts.axis_weight"), tickformat=".0%", range=[0, 1])
    return date_axis(fig, t.lang)


def turnover_rows(result: IndexResult) -> tuple[np.ndarray, np.ndarray]:
    """``(rebalances, exits)``: rows of the rebalances after the launch, and of the other
    trades (a holding sold at the end of its data). The launch purchase is not counted,
    as in the ``avg_turnover_per_rebalance`` metric."""
    rebalances = np.asarray(result.rebalance_rows, dtype=np.int64)[1:]
    traded = np.flatnonzero(np.asarray(result.turnover) > 0)
    return rebalances, np.setdiff1d(traded, result.rebalance_rows)


def turnover_bars(result: IndexResult, t: Translator, average: float | None = None) -> go.Figure:
    """One-way turnover of each rebalance (bars; trades at a data end in grey), with
    the average per rebalance (``average``, from the metrics) as a dashed line."""
    rebalances, exits = turnover_rows(result)
    rows = np.union1d(rebalances, exits)
    labels = iso_days(result.dates[rows])
    fig = go.Figure()
    for name, which, color in (
        (t("ts.rebalance"), rebalances, PALETTE[0]),
        (t("ts.exit_trade"), exits, "#9aa5b1"),
    ):
        if which.size == 0:
            continue
        fig.add_trace(
            go.Bar(
                x=iso_days(result.dates[which]),
                y=np.asarray(result.turnover)[which],
                name=name,
                marker_color=color,
                hovertemplate="%{x}<br>%{y:.1%}<extra>" + name + "</extra>",
            )
        )
    if rows.size == 0:  # buy and hold: nothing traded after the launch
        fig.add_annotation(
            text=t("ts.no_trades"), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False
        )
        average = None
    if average is not None and np.isfinite(average):
        fig.add_hline(
            y=average,
            line={"color": NEG, "width": 1.2, "dash": "dash"},
            annotation_text=t("ts.average", value=t.pct(average)),
            annotation_position="top left",
            annotation_font={"size": 11, "color": NEG},
            annotation_bgcolor="rgba(255,255,255,0.85)",
        )
    style(fig, 340, title={"text": t("ts.turnover_title"), "font": {"size": 14}, "x": 0, "y": 0.98})
    fig.update_layout(
        margin={"l": 60, "r": 30, "t": 70, "b": 60}, legend={"y": 1.0}, barmode="overlay"
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, tickangle=-45)
    fig.update_yaxes(title_text=t("ts.axis_turnover"), tickformat=".0%", rangemode="tozero")
    return fig
