"""The report figures' common look: palette, fonts, layout defaults, date labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

__all__ = [
    "BENCH_COLORS",
    "BENCH_DASH",
    "FONT",
    "NEG",
    "PALETTE",
    "POS",
    "date_axis",
    "heat_color",
    "iso_days",
    "style",
]

PALETTE = ("#1f4e79", "#c8553d", "#2a9d8f", "#8d6cab", "#e9a23b", "#5b8e7d", "#6c757d")
BENCH_DASH = ("dash", "dot", "dashdot", "longdash")
BENCH_COLORS = ("#555555", "#b5651d", "#7b8f00", "#8a5a9e")
"""Benchmarks: each its own colour *and* dash, so overlapping lines stay apart."""

# Chinese date labels (d3 time format): 2023年1月, 2023年, 1月15日.
_ZH_DATE_STOPS = (
    {"dtickrange": [None, 86400000], "value": "%Y年%-m月%-d日"},
    {"dtickrange": [86400000, 604800000], "value": "%-m月%-d日"},
    {"dtickrange": [604800000, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
)
FONT = (
    '-apple-system, "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC", '
    '"PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
POS, NEG = "#2a9d8f", "#c8553d"


def style(fig: go.Figure, height: int = 420, **layout: Any) -> go.Figure:
    """Apply the report's common look (white template, font, margins, legend on top)."""
    base: dict[str, Any] = {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "margin": {"l": 60, "r": 30, "t": 40, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
    }
    fig.update_layout(**(base | layout))
    return fig


def iso_days(dates: np.ndarray) -> list[str]:
    """``datetime64`` dates as ISO ``YYYY-MM-DD`` strings (Plotly's date axis reads them)."""
    return [str(d) for d in np.asarray(dates).astype("datetime64[D]")]


def date_axis(fig: go.Figure, lang: str, **selector: Any) -> go.Figure:
    """Date tick labels in the reader's language (``2023年1月`` in Chinese; Plotly's own
    English labels otherwise). ``selector`` picks the axes (``row=1, col=2``)."""
    if lang == "zh":
        fig.update_xaxes(tickformatstops=list(_ZH_DATE_STOPS), hoverformat="%Y-%m-%d", **selector)
    return fig


def heat_color(x: float | None, scale: float) -> str:
    """Background of a heatmap cell: white at 0, towards :data:`POS` (gains) or
    :data:`NEG` (losses), full strength (70% opaque) from ``|x| >= scale``; ``""``
    when ``x`` is missing. Returns ``rgba(r, g, b, a)`` text for a CSS ``background``."""
    if x is None or not np.isfinite(x):
        return ""
    base = POS if x >= 0 else NEG
    r, g, b = (int(base[i : i + 2], 16) for i in (1, 3, 5))
    alpha = 0.7 * min(abs(float(x)) / scale, 1.0)
    return f"rgba({r}, {g}, {b}, {alpha:.3f})"
