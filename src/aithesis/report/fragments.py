"""Pieces of the report's template context shared by its section modules.

:mod:`aithesis.report.context` (summary, indexes, calendar, exposure) and
:mod:`aithesis.report.context_models` (models, claims, KPIs, appendix) both use these;
they live here, below both, so neither module imports the other's internals.
Presentation only.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup, escape

from aithesis.report.i18n import Translator

__all__ = ["breakable", "figure_html", "series_title"]

_PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}


def figure_html(fig: go.Figure, div_id: str) -> Markup:
    """A figure as an HTML fragment that relies on the page's single inlined Plotly JS."""
    height = fig.layout.height or 420
    return Markup(
        pio.to_html(
            fig,
            include_plotlyjs=False,
            full_html=False,
            div_id=div_id,
            config=_PLOT_CONFIG,
            default_width="100%",
            default_height=f"{height}px",
        )
    )


def series_title(table: pd.DataFrame, key: str, t: Translator) -> str:
    """``Company — metric`` for a KPI series (company in the reader's language)."""
    entity, metric = key.split("/", 1)
    ticker = table["ticker"].iloc[0] if len(table) and "ticker" in table else None
    name = t.company(ticker) if isinstance(ticker, str) and ticker else t.label("entity", entity)
    return t("kpi.series_title", company=name, metric=t.label("metric", metric))


_BREAK = re.compile(r"(?<=[_:/])|(?=\.[A-Za-z]+$)")


def breakable(text: str) -> Markup:
    """``text`` (escaped) with ``<wbr>`` line-break chances after ``_ : /`` and before a
    file extension: a source id such as ``003_06e79…a5.txt`` or ``sec:companyfacts``
    wraps there in a narrow cell, never inside a token."""
    return Markup("<wbr>").join(escape(part) for part in _BREAK.split(text) if part)
