"""The report figures' common look: palette, fonts, layout defaults, date labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

__all__ = ["BENCH_DASH", "FONT", "NEG", "PALETTE", "POS", "iso_days", "style"]

PALETTE = ("#1f4e79", "#c8553d", "#2a9d8f", "#8d6cab", "#e9a23b", "#5b8e7d", "#6c757d")
BENCH_DASH = ("dash", "dot", "dashdot", "longdash")
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
