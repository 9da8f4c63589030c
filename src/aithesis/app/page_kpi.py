"""KPI page: growth tables and bars with QoQ/YoY labels, group aggregates, gaps, events.

Every figure comes from :mod:`aithesis.kpi` through the project build (``KpiSection``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from aithesis.app import charts
from aithesis.app.context import AppContext
from aithesis.app.fmt import fmt_pct
from aithesis.report.charts_models import kpi_series

__all__ = ["render"]

_TICK = "✓"  # an aggregate period with every member's figure
_NOT = "—"  # a period with members missing (named under the table)


def _label(ctx: AppContext, key: str, table: pd.DataFrame) -> str:
    """``Alibaba Group (9988.HK): capex`` in the reader's language."""
    t = ctx.t
    entity, _, metric = key.partition("/")
    tickers = [x for x in table.get("ticker", pd.Series(dtype=object)).dropna() if x]
    company = t.company(str(tickers[-1])) if tickers else t.name("entity", entity)
    return t("kpi.series_title", company=company, metric=t.name("metric", metric))


def _event_names(ctx: AppContext, joined: object) -> str:
    """The '; '-joined event labels of a KPI row, in the reader's language."""
    if not isinstance(joined, str) or not joined:
        return ""
    events = ctx.results.kpi.events
    keys = dict(zip(events["label"], events["key"], strict=True)) if len(events) else {}
    return "; ".join(
        ctx.t.name("event", keys[label]) if label in keys else label for label in joined.split("; ")
    )


def _growth(ctx: AppContext, key: str, table: pd.DataFrame) -> None:
    t = ctx.t
    st.markdown(f"#### {_label(ctx, key, table)}")
    if table.empty:
        st.caption(t("kpi_none"))
        return
    events = [_event_names(ctx, e) for e in table.get("events", [""] * len(table))]
    # the report's figure: bars on calendar quarters, a quarter without data left empty
    st.plotly_chart(kpi_series(table, ctx.results.kpi.events, t.shared), key=f"kpi.growth.{key}")
    shown = pd.DataFrame(
        {
            t("kpi.period"): table["fiscal_period"],
            t("kpi.value"): [
                t.shown(v, u)[0] for v, u in zip(table["value"], table["unit"], strict=True)
            ],
            t("label.unit"): [t.unit(u) for u in table["unit"]],
            t("label.qoq"): [fmt_pct(v, signed=True) for v in table["qoq"]],
            t("label.yoy"): [fmt_pct(v, signed=True) for v in table["yoy"]],
            t("kpi.events"): events,
            t("label.source"): table["source"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def _members(ctx: AppContext, joined: object) -> str:
    """Comma-joined entity slugs as names in the reader's language."""
    if not isinstance(joined, str) or not joined:
        return ""
    return ", ".join(ctx.t.name("entity", slug.strip()) for slug in joined.split(","))


def _mark(value: object) -> str:
    """``✓`` for a period with every member's figure, ``—`` otherwise (or unknown)."""
    return _TICK if isinstance(value, bool | np.bool_) and bool(value) else _NOT


def _aggregate(ctx: AppContext, key: str, table: pd.DataFrame) -> None:
    t = ctx.t
    group, _, metric = key.partition("/")
    title = t("kpi.group_title", group=t.name("group", group), metric=t.name("metric", metric))
    st.markdown(f"#### {title}")
    rows = table.dropna(subset=["value"]) if "value" in table else table
    if rows.empty:
        st.caption(t("kpi.no_group_data"))
        return
    unit = str(rows["unit"].iloc[-1])
    st.plotly_chart(
        charts.bar_figure(
            list(rows["period"]),
            rows["value"].to_numpy() * t.shared.factor(unit),
            text=[t.shown(v, unit)[0] for v in rows["value"]],
            y_title=t.unit(unit),
        ),
        key=f"kpi.group.{key}",
    )
    shown = pd.DataFrame(
        {
            t("kpi.period"): rows["period"],
            t("kpi.value"): [
                t.shown(v, u)[0] for v, u in zip(rows["value"], rows["unit"], strict=True)
            ],
            t("label.unit"): [t.unit(u) for u in rows["unit"]],
            t("col_members"): [_members(ctx, m) for m in rows["members_present"]],
            # a read-only mark, not a checkbox that looks editable and unticked
            t("kpi.complete"): [_mark(v) for v in rows["complete"]],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    missing = sorted(
        {
            ctx.t.name("entity", slug.strip())
            for joined in rows["members_missing"]
            if isinstance(joined, str) and joined
            for slug in joined.split(",")
            if slug.strip()
        }
    )
    if missing:
        st.caption(t("kpi_missing", names=", ".join(missing)))


def _detail(ctx: AppContext, key: str, detail: str) -> str:
    """An event's detail sentence in the reader's language (the report's catalogue)."""
    if ctx.t.has(f"event_detail.{key}"):
        return ctx.t.shared.label("event_detail", key)
    return detail


def _events(ctx: AppContext, events: pd.DataFrame) -> None:
    """The dated events in a static table: it wraps the long detail and quote texts
    instead of cutting them, and keeps the dates on one line."""
    t = ctx.t
    start, end = t("kpi.start"), t("kpi.end")
    shown = pd.DataFrame(
        {
            t("kpi.event"): [t.name("event", k) for k in events["key"]],
            start: events["start"].astype(str),
            end: events["end"].astype(str),
            t("kpi.detail"): [
                _detail(ctx, k, d) for k, d in zip(events["key"], events["detail"], strict=True)
            ],
            t("claims.quote"): events["quote"].fillna(""),
            t("label.source"): events["source"],
        }
    )
    # the cells hold markdown paragraphs: the no-wrap rule must reach the <p> inside
    dates = ", ".join(f"td.col{shown.columns.get_loc(c)} p" for c in (start, end))
    styled = shown.style.set_table_styles([{"selector": dates, "props": "white-space: nowrap"}])
    st.table(styled, hide_index=True)


def render(ctx: AppContext) -> None:
    """Draw the KPI page."""
    t = ctx.t
    kpi = ctx.results.kpi
    st.title(t("section.kpi"))
    st.subheader(t("kpi_growth"))
    if not kpi.growth:
        st.info(t("kpi_none"))
    for key, table in kpi.growth.items():
        _growth(ctx, key, table)
    if kpi.aggregates:
        st.subheader(t("kpi.groups"))
        for key, table in kpi.aggregates.items():
            _aggregate(ctx, key, table)
    if len(kpi.gaps):
        st.subheader(t("kpi.gaps"))
        st.dataframe(kpi.gaps, hide_index=True, width="stretch")
    if len(kpi.events):
        st.subheader(t("kpi.events_title"))
        _events(ctx, kpi.events)
