"""Plotly figures of a built project, drawn from result objects only.

Each function takes a result object of :mod:`aithesis.project.results` (or the whole
:class:`~aithesis.project.results.ProjectResults`) and a :class:`~aithesis.report.i18n.Translator`
and returns a ``plotly.graph_objects.Figure``. The only arithmetic here is what plotting
needs (rebasing levels to 100, bar offsets from a base, bin centres); every number comes
from the library: drawdowns from :func:`aithesis.analytics.drawdown_series`, rolling
returns from :func:`aithesis.analytics.rolling_return`, the rest from the results.
Axis values are decimals shown as percentages where the chart says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aithesis import analytics as an
from aithesis import numfmt
from aithesis.project.results import IndexSection, ProjectResults
from aithesis.report.charts_models import kpi_group, kpi_series, monte_carlo, tornado
from aithesis.report.i18n import Translator
from aithesis.report.plotstyle import (
    BENCH_COLORS,
    BENCH_DASH,
    NEG,
    PALETTE,
    POS,
    date_axis,
    iso_days,
    style,
)

__all__ = [
    "ROLLING_WINDOW",
    "contributions",
    "drawdowns",
    "end_labels",
    "exposure",
    "index_levels",
    "kpi_group",
    "kpi_series",
    "lorenz",
    "monte_carlo",
    "rolling_returns",
    "tornado",
]

ROLLING_WINDOW = 252  # trading days in a year


def index_series(results: ProjectResults, t: Translator) -> list[tuple[str, Any, dict]]:
    """(label, IndexResult, line style) for every index, then every benchmark."""
    out = [
        (t.index_name(s), s.result, {"color": PALETTE[i % len(PALETTE)], "width": 2.2})
        for i, s in enumerate(results.indexes)
    ]
    for j, (ticker, bench) in enumerate(results.benchmarks.items()):
        style = {
            "color": BENCH_COLORS[j % len(BENCH_COLORS)],
            "width": 1.6,
            "dash": BENCH_DASH[j % len(BENCH_DASH)],
        }
        out.append((t.company_ticker(ticker), bench, style))
    return out


def _events(fig: go.Figure, events: pd.DataFrame, t: Translator, first: str, last: str) -> None:
    """Shade or mark each dated event inside ``[first, last]`` with its label."""
    for k, row in enumerate(events.itertuples()):
        start, end = t.date(row.start), t.date(row.end)
        if end < first or start > last:
            continue
        label = t.label("event", row.key)
        if start == end:
            fig.add_shape(
                type="line",
                x0=start,
                x1=start,
                y0=0,
                y1=1,
                yref="paper",
                line={"color": "#999", "width": 1, "dash": "dot"},
            )
        else:
            fig.add_shape(
                type="rect",
                x0=start,
                x1=end,
                y0=0,
                y1=1,
                yref="paper",
                fillcolor="#e9a23b",
                opacity=0.15,
                line={"width": 0},
            )
        fig.add_annotation(
            x=start,
            y=1 - 0.07 * (k % 3),
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            font={"size": 10, "color": "#666"},
            bgcolor="rgba(255,255,255,0.7)",
        )


def index_levels(results: ProjectResults, t: Translator) -> go.Figure:
    """Every index and benchmark rebased to 100 at the common start, with a log toggle."""
    fig = go.Figure()
    for label, res, line in index_series(results, t):
        levels = res.level_values / res.level_values[0] * 100.0  # rebase for plotting
        fig.add_trace(
            go.Scatter(
                x=iso_days(res.dates),
                y=levels,
                name=label,
                mode="lines",
                line=line,
                hovertemplate="%{x}<br>%{y:,.1f}<extra>" + label + "</extra>",
            )
        )
    if results.indexes:
        days = iso_days(results.indexes[0].result.dates)
        _events(fig, results.kpi.events, t, days[0], days[-1])
    labels = end_labels(fig, plot_px=380.0)
    linear = {"yaxis.type": "linear"} | {f"annotations[{k}].y": y for k, y in labels}
    log = {"yaxis.type": "log"} | {
        f"annotations[{k}].y": float(np.log10(y)) for k, y in labels if y > 0
    }
    buttons = [
        {"label": t("chart.linear"), "method": "relayout", "args": [linear]},
        {"label": t("chart.log"), "method": "relayout", "args": [log]},
    ]
    menu = {
        "type": "buttons",
        "direction": "right",
        "buttons": buttons,
        "showactive": True,
        "x": 0.0,
        "xanchor": "left",
        "y": 1.02,
        "yanchor": "bottom",
        "active": 0,
        "pad": {"r": 4, "t": 0},
        "font": {"size": 11},
    }
    # legend under the plot: the scale buttons keep the top, direct labels name the lines
    legend = {"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0}
    style(fig, 540, updatemenus=[menu], legend=legend, margin={"l": 60, "r": 170, "t": 50, "b": 50})
    fig.update_yaxes(title_text=t("chart.growth_of_100"))
    return date_axis(fig, t.lang)


def end_labels(
    fig: go.Figure, log: bool = False, plot_px: float = 300.0
) -> list[tuple[int, float]]:
    """Name every line at its last point, in the right margin (direct labels).

    Labels are stacked bottom-up at least :data:`LABEL_PX` apart on a plot area about
    ``plot_px`` high spanning every line's values, so lines ending near each other (QQQ
    and NDX) keep readable names; each label has its line's colour. ``log``: the y axis
    is already logarithmic (labels sit at ``log10(y)``). Returns ``(annotation index, y)``
    for the log-scale button to move them.
    """
    ends = []
    values = []
    for trace in fig.data:
        if getattr(trace, "mode", None) != "lines" or trace.y is None or not len(trace.y):
            continue
        ys = np.asarray(trace.y, dtype=float)
        ys = ys[np.isfinite(ys) & (ys > 0)] if log else ys[np.isfinite(ys)]
        if not ys.size or not np.isfinite(float(trace.y[-1])):
            continue
        ys = np.log10(ys) if log else ys
        values.append(ys)
        ends.append((float(ys[-1]), str(trace.name), trace.line.color))
    if not ends:
        return []
    everything = np.concatenate(values)
    span = float(everything.max() - everything.min()) or 1.0
    px = plot_px / span  # pixels per y unit
    ends.sort(key=lambda e: e[0])
    placed = []
    top = -np.inf  # pixel height of the label placed last
    for y, name, color in ends:
        at = max(y * px, top + LABEL_PX)
        top = at
        placed.append((len(fig.layout.annotations), y))
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="left",
            y=y,
            yshift=at - y * px,
            text=name,
            showarrow=False,
            font={"size": 10, "color": color},
            align="left",
            name="end-label",
        )
    return placed


LABEL_PX = 16.0
"""Least vertical distance (px) between two end labels (10 px text)."""


def drawdowns(results: ProjectResults, t: Translator) -> go.Figure:
    """Drawdown from the running peak of every index and benchmark (decimal, shown in %)."""
    fig = go.Figure()
    for label, res, line in index_series(results, t):
        fig.add_trace(
            go.Scatter(
                x=iso_days(res.dates),
                y=an.drawdown_series(res.level_values),
                name=label,
                mode="lines",
                line=line,
                hovertemplate="%{x}<br>%{y:.1%}<extra>" + label + "</extra>",
            )
        )
    style(fig, 380)
    fig.update_yaxes(title_text=t("chart.drawdown"), tickformat=".0%")
    return date_axis(fig, t.lang)


def rolling_returns(results: ProjectResults, t: Translator) -> go.Figure:
    """Trailing one-year (252-day) compounded return of every index and benchmark."""
    fig = go.Figure()
    for label, res, line in index_series(results, t):
        returns = an.simple_returns(res.level_values)
        if returns.size < ROLLING_WINDOW:
            continue
        values = an.rolling_return(returns, ROLLING_WINDOW)
        # window k ends at return k + window - 1, i.e. at date row k + window
        x = iso_days(res.dates[ROLLING_WINDOW:])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values,
                name=label,
                mode="lines",
                line=line,
                hovertemplate="%{x}<br>%{y:+.1%}<extra>" + label + "</extra>",
            )
        )
    fig.add_hline(y=0, line={"color": "#888", "width": 1})
    end_labels(fig, plot_px=260.0)  # benchmarks that overlap (QQQ and NDX) are named at their ends
    style(fig, 380, margin={"l": 60, "r": 170, "t": 40, "b": 50})
    fig.update_yaxes(title_text=t("chart.rolling_return"), tickformat=".0%")
    return date_axis(fig, t.lang)


def _hbar(values: pd.Series, labels: list[str], hover: str) -> go.Bar:
    colors = [POS if v >= 0 else NEG for v in values]
    return go.Bar(
        x=values.to_numpy(),
        y=labels,
        orientation="h",
        marker_color=colors,
        text=[numfmt.percent(v, signed=True) for v in values],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}<br>" + hover + ": %{x:+.2%}<extra></extra>",
        showlegend=False,
    )


def contributions(section: IndexSection, t: Translator, by: str = "stock") -> go.Figure:
    """Contribution to the index's total return by ``theme`` or by ``stock`` (bars).

    Names are shown in the reader's language; the largest contribution is on top.
    """
    values = (section.by_theme if by == "theme" else section.by_stock).iloc[::-1]
    labels = []
    for key in values.index:
        if key == "(costs)":
            labels.append(t("label.costs"))
        elif by == "theme":
            labels.append(t.theme(None if pd.isna(key) else str(key)))
        else:
            labels.append(t.company(str(key)))
    fig = go.Figure(_hbar(values, labels, t("chart.contribution")))
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = 0.2 * (high - low or 1.0)  # room for the value labels outside the bars
    style(fig, max(300, 26 * len(values) + 90), margin={"l": 10, "r": 20, "t": 20, "b": 40})
    fig.update_xaxes(tickformat=".0%", range=[low - (pad if low < 0 else 0), high + pad])
    fig.update_yaxes(automargin=True)
    return fig


def lorenz(results: ProjectResults, t: Translator) -> go.Figure:
    """Lorenz curves of each index's stock gains, against the line of equality."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            name=t("chart.equality"),
            mode="lines",
            line={"color": "#aaa", "dash": "dash", "width": 1},
            hoverinfo="skip",
        )
    )
    for i, s in enumerate(results.indexes):
        x, y = s.lorenz
        label = f"{t.index_name(s)} ({t('label.gini')} {t.ratio(s.gini)})"
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=label,
                mode="lines+markers",
                line_shape="linear",
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 5},
                hovertemplate=t("chart.lorenz_hover") + "<extra></extra>",
            )
        )
    style(fig, 440)
    fig.update_xaxes(title_text=t("chart.share_of_names"), tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title_text=t("chart.share_of_gain"), tickformat=".0%", range=[0, 1])
    return fig


def exposure(study: Any, t: Translator) -> go.Figure:
    """Annualised return per AI-exposure bucket (left) and the bucket indexes (right)."""
    test = study.test
    labels = [t("chart.bucket", label=b) for b in test.labels]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.4, 0.6],
        horizontal_spacing=0.1,
        subplot_titles=(t("chart.annualised_by_bucket"), t("chart.bucket_levels")),
    )
    counts = [len(study.members.get(b, ())) for b in test.labels]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=list(test.returns),
            marker_color=PALETTE[0],
            showlegend=False,
            text=[t.pct(v) for v in test.returns],
            textposition="outside",
            customdata=counts,
            hovertemplate="%{x}<br>%{y:+.1%}<br>" + t("chart.names") + ": %{customdata}"
            "<extra></extra>",
        ),
        1,
        1,
    )
    for i, (bucket, res) in enumerate(study.indexes.items()):
        fig.add_trace(
            go.Scatter(
                x=iso_days(res.dates),
                y=res.level_values / res.level_values[0] * 100.0,
                name=labels[list(test.labels).index(bucket)] if bucket in test.labels else bucket,
                mode="lines",
                line={"color": PALETTE[(i + 1) % len(PALETTE)], "width": 1.8},
            ),
            1,
            2,
        )
    style(fig, 440, legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0.45})
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(title_text=t("chart.growth_of_100"), row=1, col=2)
    return date_axis(fig, t.lang, row=1, col=2)
