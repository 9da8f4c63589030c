"""The small chart of a claim against the record: the series that decides it.

Drawn from :class:`~aithesis.thesis.record_series.RecordChart` (computed in the build):
each ticker's market cap, close or cumulative total return, the article's date as a
dotted vertical line, the claimed level(s) as dashed red horizontal lines, a return
claim's measured span shaded and the dates a point claim reads marked. The only
arithmetic is plotting's: finding the plotted value at a marked date. Market caps that
span more than :data:`LOG_SPAN` times from low to high are drawn on a log axis.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from aithesis.report.i18n import Translator
from aithesis.report.plotstyle import NEG, PALETTE, date_axis, iso_days, style
from aithesis.thesis.record_series import RecordChart

__all__ = ["LOG_SPAN", "record_chart"]

LOG_SPAN = 30.0


def _value_at(dates: np.ndarray, values: np.ndarray, day: np.datetime64) -> float | None:
    """The plotted value at the last date at or before ``day`` (None before the series)."""
    i = int(np.searchsorted(dates, day, side="right")) - 1
    return None if i < 0 or not np.isfinite(values[i]) else float(values[i])


def _axis_title(chart: RecordChart, t: Translator) -> str:
    if chart.measure == "total_return":
        return t("record.chart_return")
    return t(f"record.chart_{chart.measure}", unit=t.unit(chart.unit))


def record_chart(chart: RecordChart, t: Translator) -> go.Figure:
    """The figure of one record claim's :class:`RecordChart` (small: 300 px high)."""
    fig = go.Figure()
    percent = chart.measure == "total_return"
    fmt = "%{y:+.1%}" if percent else "%{y:,.4g}"
    for i, line in enumerate(chart.lines):
        name = t.company(line.label)
        fig.add_trace(
            go.Scatter(
                x=iso_days(line.dates),
                y=line.values,
                name=name,
                mode="lines",
                line={"color": PALETTE[i % len(PALETTE)], "width": 1.8},
                hovertemplate="%{x}<br>" + fmt + "<extra>" + name + "</extra>",
            )
        )
    if chart.window is not None:
        start, end = (d.isoformat() for d in chart.window)
        fig.add_vrect(x0=start, x1=end, fillcolor="#e9a23b", opacity=0.12, line_width=0)
    day = chart.article.isoformat()
    fig.add_vline(x=day, line={"color": "#444", "width": 1.2, "dash": "dot"})
    fig.add_annotation(
        x=day,
        y=1.0,
        yref="paper",
        text=t("record.chart_article") + " " + day,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": 10, "color": "#444"},
        bgcolor="rgba(255,255,255,0.7)",
    )
    span = [ln.dates for ln in chart.lines if ln.dates.size]
    if chart.threshold and span:  # a trace, not a shape: it stays right on a log axis
        x0, x1 = min(d[0] for d in span), max(d[-1] for d in span)
        label = t("record.chart_claimed")
        for k, level in enumerate(chart.threshold):
            fig.add_trace(
                go.Scatter(
                    x=iso_days(np.array([x0, x1])),
                    y=[level, level],
                    mode="lines",
                    name=label,
                    legendgroup="claimed",
                    showlegend=k == 0,
                    line={"color": NEG, "width": 1.2, "dash": "dash"},
                    hovertemplate=label + " " + fmt + "<extra></extra>",
                )
            )
    if chart.lines:
        first = chart.lines[0]
        days = [(p, np.datetime64(p, "D")) for p in chart.points]
        found = [(p, _value_at(first.dates, first.values, d)) for p, d in days]
        marks = [(p, v) for p, v in found if v is not None]
        if marks:
            fig.add_trace(
                go.Scatter(
                    x=[p.isoformat() for p, _ in marks],
                    y=[v for _, v in marks],
                    mode="markers",
                    marker={"size": 9, "color": NEG, "symbol": "circle-open", "line": {"width": 2}},
                    showlegend=False,
                    hovertemplate="%{x}<br>" + fmt + "<extra></extra>",
                )
            )
    style(fig, 300, margin={"l": 56, "r": 16, "t": 44, "b": 36})
    fig.update_layout(legend={"font": {"size": 10}, "y": 1.12})
    fig.update_yaxes(title_text=_axis_title(chart, t), title_font={"size": 11})
    if percent:
        fig.update_yaxes(tickformat=".0%")
    else:
        values = np.concatenate([ln.values[np.isfinite(ln.values)] for ln in chart.lines] or [[]])
        positive = values[values > 0]
        if positive.size and positive.max() / positive.min() > LOG_SPAN:
            fig.update_yaxes(type="log")
    return date_axis(fig, t.lang)
