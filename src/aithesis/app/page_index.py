"""Index page: edit a methodology's cap, theme targets, weighting and rebalance; see the
rebuilt index's levels, drawdowns, metrics and contributions.

The edited methodology is validated by :class:`~aithesis.index.methodology.Methodology`
and built by :func:`aithesis.index.api.build_index`; this page only shows the results.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from aithesis import analytics as an
from aithesis.analytics.catalogue import dashboard_metrics
from aithesis.app import charts, data
from aithesis.app.context import AppContext
from aithesis.app.coverage import render_coverage
from aithesis.app.fmt import fmt_metric, fmt_pct
from aithesis.app.page_index_analytics import render_analytics
from aithesis.app.widgets import select
from aithesis.errors import AithesisError
from aithesis.index.methodology import FREQUENCIES
from aithesis.index.result import IndexResult
from aithesis.index.schemes import SCHEMES
from aithesis.project.results import IndexSection

__all__ = ["render"]

_CARDS = ("total_return", "annualised_return", "max_drawdown", "sharpe")
_TABLE = tuple(m.name for m in dashboard_metrics())  # rows of the metric table, in order


def _reset(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def _controls(ctx: AppContext, section: IndexSection) -> dict[str, Any]:
    """The settings widgets; returns the edited methodology as a plain mapping."""
    t = ctx.t
    base = section.result.methodology
    assert base is not None
    prefix = f"ix.{section.key}."
    weighting = base.weighting
    schemes = [
        name
        for name, entry in SCHEMES.items()
        if "theme_targets" not in entry.needs or weighting.theme_targets
    ]
    left, middle, right = st.columns(3)
    with left:
        cap_on = st.toggle(
            t("index_cap_on"), value=weighting.cap is not None, key=prefix + "cap_on"
        )
        cap = st.slider(
            t("index_cap"),
            min_value=0.01,
            max_value=1.0,
            value=float(weighting.cap) if weighting.cap is not None else 0.20,
            step=0.01,
            format="%.2f",
            disabled=not cap_on,
            key=prefix + "cap",
        )
    with middle:
        scheme = select(
            t("index_scheme"),
            schemes,
            key=prefix + "scheme",
            lang=ctx.lang,
            default=weighting.scheme,
            format_func=lambda s: SCHEMES[s].label(ctx.lang),
        )
        rebalance = select(
            t("index_rebalance"),
            FREQUENCIES,
            key=prefix + "rebalance",
            lang=ctx.lang,
            default=base.rebalance,
            format_func=lambda f: t(f"f_{f}"),
        )
    with right:
        st.button(t("index_reset"), on_click=_reset, args=(prefix,), key=prefix + "reset_button")
    targets = None
    if weighting.theme_targets:
        st.markdown(f"**{t('index_targets')}**")
        columns = st.columns(len(weighting.theme_targets))
        targets = {}
        for column, (theme, value) in zip(columns, weighting.theme_targets.items(), strict=True):
            with column:
                targets[theme] = st.number_input(
                    t.theme(theme),
                    min_value=0.0,
                    max_value=1.0,
                    value=float(value),
                    step=0.05,
                    format="%.2f",
                    key=prefix + "target." + theme,
                    disabled="theme_targets" not in SCHEMES[scheme].needs,
                )
    else:
        st.caption(t("index_targets_none"))
    edited = base.model_dump(mode="json")
    edited["rebalance"] = rebalance
    edited["weighting"] = {
        "scheme": scheme,
        "cap": cap if cap_on else None,
        "theme_targets": targets,
    }
    return edited


def _build(ctx: AppContext, section: IndexSection, edited: dict[str, Any]) -> IndexResult | None:
    t = ctx.t
    try:
        return data.custom_index(
            ctx.store_path, json.dumps(edited, sort_keys=True), section.file, ctx.start, ctx.end
        )
    except AithesisError as exc:
        st.error(f"{t('index_build_failed')}: {exc}")
        return None


def _levels(ctx: AppContext, section: IndexSection, mine: IndexResult, changed: bool) -> None:
    t = ctx.t
    base = section.result.methodology
    assert base is not None
    name = t.shared.index_name(section)
    # the legend names the index; "your settings" only tells it apart from the as-built one
    yours = t("index_yours_named", name=name) if changed else name
    series: dict[str, pd.Series] = {yours: mine.levels}
    if changed:
        series[t("index_as_built_named", name=name)] = section.result.levels
    # benchmarks stop where the index stops (the report's common end date)
    last = str(np.datetime64(mine.dates[-1], "D")) if len(mine.dates) else ctx.end
    end = min(last, ctx.end) if ctx.end and last else (last or ctx.end)
    for ticker in ctx.project.config.benchmarks:
        try:
            bench = data.benchmark_index(ctx.store_path, ticker, ctx.start, end, base.base_value)
        except AithesisError as exc:
            st.warning(f"{ticker}: {exc}")
            continue
        series[ticker] = bench.levels
    log = st.toggle(t("chart.log"), value=False, key=f"ix.{section.key}.log")
    levels_tab, drawdown_tab = st.tabs([t("section.indexes"), t("chart.drawdown")])
    with levels_tab:
        st.plotly_chart(
            charts.lines_figure(
                series,
                y_title=t("level_axis", base=f"{base.base_value:g}", start=ctx.start),
                log=log,
                emphasise=(yours,),
                dashed=ctx.project.config.benchmarks,
            ),
            key=f"ix.{section.key}.levels_chart",
        )
        st.caption(t("index_levels_note"))
    with drawdown_tab:
        drawdowns = {
            name: pd.Series(an.drawdown_series(s.to_numpy()), index=s.index)
            for name, s in series.items()
        }
        st.plotly_chart(
            charts.lines_figure(
                drawdowns,
                y_title=t("chart.drawdown"),
                percent=True,
                dashed=ctx.project.config.benchmarks,
            ),
            key=f"ix.{section.key}.drawdown_chart",
        )


def _cards(ctx: AppContext, section: IndexSection, mine: IndexResult, changed: bool) -> None:
    """Headline metrics of the edited index (the file's values as help text)."""
    t = ctx.t
    values = mine.metrics()
    cards = st.columns(len(_CARDS))
    for column, key in zip(cards, _CARDS, strict=True):
        column.metric(
            t.metric(key),
            fmt_metric(key, values[key]),
            help=f"{t('index_as_built')}: {fmt_metric(key, section.metrics[key])}"
            if changed
            else None,
        )


def _metrics(ctx: AppContext, section: IndexSection, mine: IndexResult, changed: bool) -> None:
    t = ctx.t
    benchmarks = ctx.results.benchmarks
    reference_name = next(iter(benchmarks), None)
    reference = benchmarks.get(reference_name) if reference_name else None
    rf = ctx.project.config.risk_free
    values = mine.metrics(benchmark=reference, rf=rf)
    columns = {t("index_yours"): values}
    if changed:
        columns[t("index_as_built")] = section.metrics
    comparison = ctx.results.comparison
    for ticker in benchmarks:
        if ticker in comparison.columns:
            columns[ticker] = comparison[ticker].to_dict()
    table = pd.DataFrame(
        {name: [fmt_metric(k, metric.get(k)) for k in _TABLE] for name, metric in columns.items()},
        index=[t.metric(k) for k in _TABLE],
    )
    table.index.name = t("label.metric")
    st.subheader(t("indexes.metrics"))
    st.table(table)
    if reference_name:
        st.caption(t("index_metrics_vs", bench=reference_name))


def _contributions(ctx: AppContext, mine: IndexResult) -> None:
    t = ctx.t
    by_theme = mine.contributions("theme")
    by_stock = mine.contributions("stock").head(10)
    left, right = st.columns(2)
    with left:
        labels = [t.theme(k) if k != "(costs)" else t("label.costs") for k in by_theme.index]
        st.plotly_chart(
            charts.bar_figure(
                labels,
                by_theme.to_numpy(),
                title=t("index_by_theme"),
                text=[fmt_pct(v) for v in by_theme],
                percent=True,
                horizontal=True,
            ),
            key="ix.by_theme_chart",
        )
    with right:
        names = [t("label.costs") if k == "(costs)" else t.company(k) for k in by_stock.index]
        st.plotly_chart(
            charts.bar_figure(
                names,
                by_stock.to_numpy(),
                title=t("index_by_stock"),
                text=[fmt_pct(v) for v in by_stock],
                percent=True,
                horizontal=True,
            ),
            key="ix.by_stock_chart",
        )


def render(ctx: AppContext) -> None:
    """Draw the Index page."""
    t = ctx.t
    st.title(t("index_title"))
    sections = ctx.results.indexes
    if not sections:
        st.info(t("index_none"))
        return
    keys = [s.key for s in sections]
    key = select(
        t("index_choose"),
        keys,
        key="ix.choice",
        lang=ctx.lang,
        format_func=lambda k: ctx.results.index(k).name,
    )
    section = ctx.results.index(key)
    base = section.result.methodology
    if base is not None and base.description:
        st.caption(base.description)
    with st.expander(t("index_settings"), expanded=True):
        edited = _controls(ctx, section)
    assert base is not None
    changed = edited != base.model_dump(mode="json")
    mine = _build(ctx, section, edited)
    if mine is None:
        return
    _cards(ctx, section, mine, changed)
    _levels(ctx, section, mine, changed)
    _contributions(ctx, mine)
    _metrics(ctx, section, mine, changed)
    render_analytics(ctx, section, mine)
    render_coverage(ctx, mine)
    if mine.warnings:
        with st.expander(t("index_warnings")):
            for warning in mine.warnings:
                st.markdown(f"- {warning}")
