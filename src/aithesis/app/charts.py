"""Plotly figures for the dashboard, drawn from library results (no analytics here).

Each function takes values already computed by the library (index levels, drawdowns,
contributions, KPI tables, Monte Carlo histograms) and returns a ``plotly`` figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from aithesis.report.charts import end_labels
from aithesis.report.charts_models import PLAIN_TICKS

__all__ = ["bar_figure", "histogram_figure", "lines_figure", "tree_dot"]

_PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f")
# benchmarks: muted colours, each with its own dash, so that overlapping ones (QQQ and
# NDX) stay apart; the indexes keep the solid palette
_BENCHMARKS = ("#555555", "#b8860b", "#2e8b57", "#8c564b", "#17becf")
_DASHES = ("dash", "dot", "dashdot")
_LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    "height": 380,
}


def lines_figure(
    series: Mapping[str, pd.Series],
    *,
    title: str = "",
    y_title: str = "",
    log: bool = False,
    percent: bool = False,
    emphasise: Sequence[str] = (),
    dashed: Sequence[str] = (),
    date_format: str | None = None,
) -> go.Figure:
    """One line per named series (same x axis); ``emphasise`` draws those thicker and
    ``dashed`` (benchmarks) dashed, each in its own muted colour and dash pattern;
    ``date_format`` (d3 time format, e.g. ``%Y年%-m月``) labels the date axis in the
    reader's language (plotly's default writes English month names)."""
    fig = go.Figure()
    solid = [n for n in series if n not in dashed]
    for name, values in series.items():
        if name in dashed:
            k = list(dashed).index(name)
            line = {
                "color": _BENCHMARKS[k % len(_BENCHMARKS)],
                "width": 1.6,
                "dash": _DASHES[k % len(_DASHES)],
            }
        else:
            line = {
                "color": _PALETTE[solid.index(name) % len(_PALETTE)],
                "width": 2.6 if name in emphasise else 1.6,
            }
        fig.add_trace(
            go.Scatter(x=values.index, y=values.to_numpy(), name=name, mode="lines", line=line)
        )
    fig.update_layout(title=title, yaxis_title=y_title, **_LAYOUT)
    # every line named at its end, in its colour (benchmarks that overlap stay told apart)
    end_labels(fig, log=log, plot_px=280.0)
    fig.update_layout(margin=_LAYOUT["margin"] | {"r": 150})
    if date_format:
        fig.update_xaxes(tickformat=date_format, hoverformat="%Y-%m-%d")
    if log:
        fig.update_yaxes(type="log")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def bar_figure(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    text: Sequence[str] | None = None,
    y_title: str = "",
    percent: bool = False,
    horizontal: bool = False,
    hover: Sequence[str] | None = None,
) -> go.Figure:
    """Bars with optional labels on them (e.g. ``QoQ -22.5% · YoY +120.7%``)."""
    values = np.asarray(values, dtype=float)
    colours = [_PALETTE[1] if v < 0 else _PALETTE[0] for v in values]
    bar = go.Bar(
        x=values if horizontal else list(labels),
        y=list(labels) if horizontal else values,
        orientation="h" if horizontal else "v",
        marker_color=colours,
        text=list(text) if text is not None else None,
        textposition="auto" if horizontal else "outside",
        insidetextfont={"color": "#ffffff", "size": 12},
        outsidetextfont={"color": "#1f2d3d", "size": 13},
        cliponaxis=False,
        hovertext=list(hover) if hover is not None else None,
    )
    fig = go.Figure(bar)
    fig.update_layout(title=title, showlegend=False, **_LAYOUT)
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(title=y_title, **({"tickformat": ".0%"} if percent else PLAIN_TICKS))
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(height=max(240, 28 * len(values) + 80))
    return fig


def histogram_figure(
    counts: np.ndarray,
    edges: np.ndarray,
    *,
    title: str = "",
    x_title: str = "",
    y_title: str = "",
    target: float | None = None,
    target_label: str = "",
) -> go.Figure:
    """A histogram from ``numpy.histogram``'s ``(counts, edges)``, with a target line."""
    fig = go.Figure(
        go.Bar(
            x=edges[:-1],
            y=counts,
            width=np.diff(edges),
            offset=0,
            marker_color=_PALETTE[0],
            marker_line_width=0,
            name=y_title,
        )
    )
    if target is not None:
        fig.add_vline(
            x=target,
            line_color=_PALETTE[1],
            line_width=2,
            line_dash="dash",
            annotation_text=target_label,
            annotation_position="top right",
        )
    fig.update_layout(
        title=title, xaxis_title=x_title, yaxis_title=y_title, bargap=0, showlegend=False, **_LAYOUT
    )
    fig.update_xaxes(**PLAIN_TICKS)  # 40,000 (亿美元), never 40k
    return fig


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def tree_dot(
    tree: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    *,
    output: str,
    changed: Sequence[str] = (),
) -> str:
    """Graphviz DOT of a driver tree: an edge from each input to the formula using it.

    Args:
        tree: ``ModelSection.tree`` rows (``name``, ``kind``, ``inputs``).
        labels: node name -> text shown in the box (name, value and unit).
        output: the model's output (drawn bold).
        changed: drivers the user moved away from the base case (highlighted).
    """
    lines = [
        "digraph tree {",
        '  rankdir="TB"; bgcolor="transparent"; nodesep=0.25; ranksep=0.3;',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12];',
    ]
    for row in tree:
        name = row["name"]
        if name == output:
            fill, extra = "#1f4e79", ', fontcolor="white", penwidth=2'
        elif name in changed:
            fill, extra = "#fde9c9", ""
        elif row["kind"] == "driver":
            fill, extra = "#eef3f8", ""
        else:
            fill, extra = "#ffffff", ""
        lines.append(
            f'  "{_quote(name)}" [label="{_quote(labels[name])}", fillcolor="{fill}"{extra}];'
        )
    for row in tree:
        for source in row.get("inputs") or ():
            lines.append(f'  "{_quote(source)}" -> "{_quote(row["name"])}";')
    lines.append("}")
    return "\n".join(lines)
