"""Index page, tear-sheet panel: monthly-returns heatmap, rolling volatility, beta and
Sharpe ratio, weights over time and turnover per rebalance of the index as the page's
settings build it.

Shows only, computes nothing: the figures are the report's
(:mod:`aithesis.report.charts_analytics`) and the heatmap rows the report's
(:func:`aithesis.report.context_tearsheet.monthly_view`, months from
:func:`aithesis.analytics.monthly_returns_table`, the year column from
:meth:`IndexResult.calendar_years`), drawn with the reader's language.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aithesis.app.context import AppContext
from aithesis.index.result import IndexResult
from aithesis.project.results import IndexSection
from aithesis.report import charts_analytics as ca
from aithesis.report.context import year_label
from aithesis.report.context_tearsheet import monthly_view, weights_note
from aithesis.report.plotstyle import BENCH_COLORS, BENCH_DASH, PALETTE

__all__ = ["render_analytics"]


def _cell_css(bg: str, partial: bool, year: bool) -> str:
    """A heatmap cell's style: its colour, italic in a partial year, bold for the year."""
    parts = [f"background-color: {bg}"] if bg else []
    if partial:
        parts.append("font-style: italic")
    if year:
        parts.append("font-weight: 600")
    return "; ".join(parts)


def _heatmap(ctx: AppContext, section: IndexSection, mine: IndexResult) -> None:
    rt = ctx.t.shared
    view = monthly_view(
        mine,
        mine.calendar_years(),
        rt,
        lambda year: year_label(year, ctx.results, rt),
        section.key,
    )
    labels = [row["label"] for row in view["rows"]]
    text = pd.DataFrame(
        [[c["text"] for c in row["cells"]] for row in view["rows"]],
        index=labels,
        columns=view["heads"],
    )
    css = [
        [
            _cell_css(c["bg"], row["partial"], k == len(row["cells"]) - 1)
            for k, c in enumerate(row["cells"])
        ]
        for row in view["rows"]
    ]
    colours = pd.DataFrame(css, index=labels, columns=view["heads"])
    partial = [row["partial"] for row in view["rows"]]
    text.index.name = rt("label.year")
    styled = (
        text.style.apply(lambda _: colours, axis=None)
        .apply_index(lambda idx: ["font-style: italic" if p else "" for p in partial])
        .set_properties(**{"text-align": "right"})
    )
    st.table(styled)
    st.caption(rt("monthly.note"))


def _series(ctx: AppContext, section: IndexSection, mine: IndexResult) -> list[ca.Line]:
    """The edited index, then every benchmark (built from the common start)."""
    name = ctx.t.shared.index_name(section)
    out: list[ca.Line] = [(name, mine, {"color": PALETTE[0], "width": 2.2})]
    for j, (ticker, bench) in enumerate(ctx.results.benchmarks.items()):
        line = {
            "color": BENCH_COLORS[j % len(BENCH_COLORS)],
            "width": 1.4,
            "dash": BENCH_DASH[j % len(BENCH_DASH)],
        }
        out.append((ctx.t.shared.company_ticker(ticker), bench, line))
    return out


def _rolling(ctx: AppContext, section: IndexSection, mine: IndexResult) -> None:
    rt = ctx.t.shared
    window = ca.ROLLING_RISK_WINDOW
    if mine.dates.size <= window:
        st.info(ctx.t("ixa_too_short", window=window))
        return
    series = _series(ctx, section, mine)
    first = next(iter(ctx.results.benchmarks.items()), None)
    bench = None if first is None else (rt.company_ticker(first[0]), first[1])
    rf = ctx.project.config.risk_free
    prefix = f"ix.{section.key}.ixa."
    st.plotly_chart(ca.rolling_volatility(series, rt, window), key=prefix + "vol")
    if bench is not None:
        st.plotly_chart(ca.rolling_beta(series[:1], bench, rt, window), key=prefix + "beta")
    st.plotly_chart(ca.rolling_sharpe(series, rt, window, rf), key=prefix + "sharpe")
    if bench is None:
        st.caption(rt("risk.note_no_bench", window=window))
    else:
        st.caption(rt("risk.note", window=window, bench=bench[0]))


def render_analytics(ctx: AppContext, section: IndexSection, mine: IndexResult) -> None:
    """The tear-sheet panel of ``mine`` (the index as the page's settings build it)."""
    t, rt = ctx.t, ctx.t.shared
    st.subheader(t("ixa_title"))
    st.caption(t("ixa_note"))
    monthly, rolling, weights, turnover = st.tabs(
        [t("ixa_monthly"), t("ixa_rolling"), t("ixa_weights"), t("ixa_turnover")]
    )
    prefix = f"ix.{section.key}.ixa."
    with monthly:
        _heatmap(ctx, section, mine)
    with rolling:
        _rolling(ctx, section, mine)
    with weights:
        by = ca.weights_grouping(mine)
        st.plotly_chart(ca.weights_area(mine, rt, by), key=prefix + "weights")
        st.caption(weights_note(mine, by, rt))
    with turnover:
        average = mine.metrics().get("avg_turnover_per_rebalance")
        st.plotly_chart(ca.turnover_bars(mine, rt, average), key=prefix + "turnover")
        st.caption(rt("weights.note"))
