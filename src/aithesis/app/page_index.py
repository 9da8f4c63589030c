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
from aithesis.app.widgets import multiselect, select
from aithesis.errors import AithesisError
from aithesis.index.methodology import FREQUENCIES
from aithesis.index.result import IndexResult
from aithesis.index.schemes import SCHEMES
from aithesis.project.results import IndexSection
from aithesis.report.overlap import overlap_notes

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
            ctx.store_path,
            json.dumps(edited, sort_keys=True),
            section.file,
            ctx.start,
            common_end(ctx),
        )
    except AithesisError as exc:
        st.error(f"{t('index_build_failed')}: {exc}")
        return None


def common_end(ctx: AppContext) -> str | None:
    """The last date every built index and benchmark has (ISO; the build's common end),
    or the project's ``end`` when nothing was built."""
    lasts = [s.result.dates[-1] for s in ctx.results.indexes if len(s.result.dates)]
    lasts += [b.dates[-1] for b in ctx.results.benchmarks.values() if len(b.dates)]
    return str(np.datetime64(min(lasts), "D")) if lasts else ctx.end


def _others(ctx: AppContext, section: IndexSection) -> list[str]:
    """What the chosen index can be compared with: ``index:KEY`` and ``bench:TICKER``."""
    keys = [f"index:{s.key}" for s in ctx.results.indexes if s.key != section.key]
    return keys + [f"bench:{ticker}" for ticker in ctx.results.benchmarks]


def _other_label(ctx: AppContext, choice: str) -> str:
    kind, _, key = choice.partition(":")
    return ctx.t.shared.index_name(ctx.results.index(key)) if kind == "index" else key


def _compare(ctx: AppContext, section: IndexSection) -> list[str]:
    """The multiselect of other indexes and benchmarks (default: all of them)."""
    options = _others(ctx, section)
    if not options:
        return []
    return multiselect(
        ctx.t("index_compare"),
        options,
        key=f"ix.{section.key}.compare",
        lang=ctx.lang,
        default=options,
        format_func=lambda c: _other_label(ctx, c),
    )


def _other_levels(ctx: AppContext, choice: str, base_value: float, end: str | None) -> pd.Series:
    """Levels of a compared index or benchmark from the common start at ``base_value``,
    cut at the common ``end`` (an index with another base value is rebuilt at this one)."""
    kind, _, key = choice.partition(":")
    if kind == "bench":
        return data.benchmark_index(ctx.store_path, key, ctx.start, end, base_value).levels
    other = ctx.results.index(key)
    methodology = other.result.methodology
    if methodology is None or methodology.base_value == base_value:
        return other.result.levels
    rebased = methodology.model_dump(mode="json") | {"base_value": base_value}
    return data.custom_index(
        ctx.store_path, json.dumps(rebased, sort_keys=True), other.file, ctx.start, end
    ).levels


def _names(ctx: AppContext, section: IndexSection, changed: bool) -> tuple[str, str]:
    """Legend and column names of the edited and the as-built index: the index's name,
    marked "your settings" / "as built" only when the settings were changed."""
    name = ctx.t.shared.index_name(section)
    if not changed:
        return name, name
    return ctx.t("index_yours_named", name=name), ctx.t("index_as_built_named", name=name)


def _levels(
    ctx: AppContext,
    section: IndexSection,
    mine: IndexResult,
    changed: bool,
    compared: list[str],
) -> None:
    t = ctx.t
    base = section.result.methodology
    assert base is not None
    yours, as_built = _names(ctx, section, changed)
    series: dict[str, pd.Series] = {yours: mine.levels}
    if changed:
        series[as_built] = section.result.levels
    end = common_end(ctx)
    benchmarks = []
    for choice in compared:
        label = _other_label(ctx, choice)
        try:
            series[label] = _other_levels(ctx, choice, base.base_value, end)
        except AithesisError as exc:
            st.warning(f"{label}: {exc}")
            continue
        if choice.startswith("bench:"):
            benchmarks.append(label)
    log = st.toggle(t("chart.log"), value=False, key=f"ix.{section.key}.log")
    levels_tab, drawdown_tab = st.tabs([t("section.indexes"), t("chart.drawdown")])
    with levels_tab:
        st.plotly_chart(
            charts.lines_figure(
                series,
                y_title=t("level_axis", base=f"{base.base_value:g}", start=ctx.start),
                log=log,
                emphasise=(yours,),
                dashed=benchmarks,
                date_format=t("chart_date_format"),
            ),
            key=f"ix.{section.key}.levels_chart",
        )
        st.caption(t("index_levels_note"))
        if end:
            st.caption(t("index_common_end", end=end))
        for note in overlap_notes(series, t.shared):  # QQQ and NDX: one line hides the other
            st.caption(note)
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
                dashed=benchmarks,
                date_format=t("chart_date_format"),
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


def _metrics(
    ctx: AppContext,
    section: IndexSection,
    mine: IndexResult,
    changed: bool,
    compared: list[str],
) -> None:
    """One metrics table: the edited index, the as-built one when changed, then every
    compared index and benchmark (the build's comparison over the common window)."""
    t = ctx.t
    benchmarks = ctx.results.benchmarks
    reference_name = next(iter(benchmarks), None)
    reference = benchmarks.get(reference_name) if reference_name else None
    rf = ctx.project.config.risk_free
    yours, as_built = _names(ctx, section, changed)
    columns = {yours: mine.metrics(benchmark=reference, rf=rf)}
    if changed:
        columns[as_built] = section.metrics
    comparison = ctx.results.comparison
    for choice in compared:
        kind, _, key = choice.partition(":")
        column = ctx.results.index(key).name if kind == "index" else key
        if column in comparison.columns:
            columns[_other_label(ctx, choice)] = comparison[column].to_dict()
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


def _description(ctx: AppContext, section: IndexSection) -> str | None:
    """The methodology's description in the reader's language (English when untranslated)."""
    base = section.result.methodology
    if base is None:
        return None
    if ctx.lang == "zh" and base.description_zh:
        return base.description_zh
    return base.description


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
        format_func=lambda k: ctx.t.shared.index_name(ctx.results.index(k)),
    )
    section = ctx.results.index(key)
    base = section.result.methodology
    description = _description(ctx, section)
    if description:
        st.caption(description)
    with st.expander(t("index_settings"), expanded=True):
        edited = _controls(ctx, section)
    assert base is not None
    changed = edited != base.model_dump(mode="json")
    mine = _build(ctx, section, edited)
    if mine is None:
        return
    _cards(ctx, section, mine, changed)
    compared = _compare(ctx, section)
    _levels(ctx, section, mine, changed, compared)
    _contributions(ctx, mine)
    _metrics(ctx, section, mine, changed, compared)
    render_analytics(ctx, section, mine)
    render_coverage(ctx, mine)
    if mine.warnings:
        with st.expander(t("index_warnings")):
            for warning in mine.warnings:
                st.markdown(f"- {warning}")
