"""Claims page tabs: claims against the record (then and since) and article coverage.

Shows the build's :class:`~aithesis.project.records.RecordClaim` rows and its
:class:`~aithesis.articles.results.CoverageResult`; figures are formatted by the
report's :class:`~aithesis.report.i18n.Translator` and each claim's chart is the
report's (:func:`aithesis.report.charts_record.record_chart`), so the dashboard and the
report show the same thing. Computes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from aithesis.app.context import AppContext
from aithesis.project.records import RecordClaim
from aithesis.report.charts_record import record_chart
from aithesis.report.context_record import TONES, article_coverage_view, figure_value
from aithesis.report.generated import record_note

__all__ = ["COVERAGE_WIDTHS", "RECORD_WIDTHS", "TONE_STYLES", "render_coverage", "render_records"]

TONE_STYLES = {
    "good": "background-color: #d9f2e8; color: #11684f",
    "bad": "background-color: #fbdad6; color: #9b2418",
    "open": "background-color: #fdf0d2; color: #8a5a00",
    "none": "background-color: #e9edf1; color: #4a5561",
}
"""Cell colours of the statuses (the report's badge colours)."""
RECORD_WIDTHS = {"claim": 220, "date": 95, "claimed": 190, "then": 190, "since": 190}
COVERAGE_WIDTHS = {"article": 470, "found": 110, "covered": 100, "share": 100}
UNCOVERED_WIDTHS = {"line": 50, "span": 150, "quote": 430, "value": 110, "unit": 90}


def _height(rows: int) -> int:
    return 35 * (rows + 1) + 3


def _columns(names: list[str], widths: dict[str, int]) -> dict[str, object]:
    return {
        name: st.column_config.TextColumn(width=w)
        for name, w in zip(names, widths.values(), strict=True)
    }


def _show_table(
    columns: dict[str, list[Any]],
    widths: dict[str, int],
    key: str,
    style: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> None:
    """A static table of ``columns`` (heading -> cells) at set widths, as tall as its rows,
    optionally styled cell by cell."""
    frame = pd.DataFrame(columns)
    st.dataframe(
        frame.style.apply(style, axis=None) if style is not None else frame,
        hide_index=True,
        width="content",
        height=_height(len(frame)),
        column_config=_columns(list(columns), widths),
        key=key,
    )


def _claimed(ctx: AppContext, r: RecordClaim, short: bool = False) -> str:
    t = ctx.t.shared
    if r.claimed is None:
        return ctx.t("record_first_short") if short else ctx.t("record.first_claimed")
    symbol = {">=": "≥", "<=": "≤", "=": "=", "in": "", ">": ">", "<": "<"}
    text = figure_value(r.claimed, r.unit, t)
    return f"{symbol.get(r.op, r.op)} {text}".strip()


def _judged(ctx: AppContext, r: RecordClaim, when: str) -> str:
    t = ctx.t
    status = getattr(r, f"status_{when}")
    value = getattr(r, f"computed_{when}")
    shown = figure_value(value, r.unit, t.shared)
    if r.claimed is None and isinstance(value, str):
        shown = t("record.first_on", date=value)
    return f"{t.shared.label('record_status', status)} · {shown}"


def _text(ctx: AppContext, r: RecordClaim) -> str:
    if ctx.lang == "zh":
        return r.text_zh or r.quote
    return r.text


def render_records(ctx: AppContext) -> None:
    """The record claims: one row each (then and since), the chosen one in full below."""
    t = ctx.t
    records = tuple(getattr(ctx.results, "records", ()))
    st.caption(t("lede.record"))
    if not records:
        st.info(t("record.none"))
        return
    summary = ctx.results.summary
    since = getattr(summary, "records_since", {})
    cards = st.columns(4)
    cards[0].metric(t("record_total"), str(len(records)))
    cards[1].metric(t("record_true"), str(since.get("ok", 0)))
    cards[2].metric(t("record_came_true"), str(since.get("came_true", 0)))
    bad = since.get("flagged", 0) + since.get("did_not_come_true", 0)
    cards[3].metric(t("record_false"), str(bad))

    def colours(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for i, r in enumerate(records):
            out.iloc[i, 3] = TONE_STYLES[TONES.get(r.status_then, "none")]
            out.iloc[i, 4] = TONE_STYLES[TONES.get(r.status_since, "none")]
        return out

    _show_table(
        {
            t("claims.claim"): [r.claim_id for r in records],
            t("record_article_date"): [r.article_date or "—" for r in records],
            t("record.claimed"): [_claimed(ctx, r, short=True) for r in records],
            t("record_then"): [_judged(ctx, r, "then") for r in records],
            t("record_since"): [_judged(ctx, r, "since") for r in records],
        },
        RECORD_WIDTHS,
        f"cl.record_table@{ctx.lang}",
        colours,
    )
    labels = [f"{r.model} · {r.claim_id}" for r in records]
    pick = st.selectbox(
        t("record_pick"), range(len(records)), format_func=labels.__getitem__, key="cl.record"
    )
    _record_details(ctx, records[int(pick or 0)])


def _record_details(ctx: AppContext, r: RecordClaim) -> None:
    t = ctx.t
    left, right = st.columns([5, 6])
    with left:
        st.markdown(f"**`{r.claim_id}`** {_text(ctx, r) if _text(ctx, r) != r.quote else ''}")
        if r.quote:
            st.markdown(f"> {r.quote}")
        title = r.article_title or r.article
        st.caption(
            f"{t('record.article')}{t('punct.colon')}{title} · "
            f"{t('record.published', date=r.article_date)} · {r.article}"
        )
        lines = [f"{t('record.claimed')}{t('punct.colon')}{_claimed(ctx, r)}"]
        for when in ("then", "since"):
            day = getattr(r, f"as_of_{when}")
            lines.append(
                f"{t(f'record.{when}', date=day)}{t('punct.colon')}{_judged(ctx, r, when)}"
            )
        st.markdown("  \n".join(lines))
        note = record_note(r.note, t.shared)
        if note:
            st.caption(f"{t('record.note')}{t('punct.colon')}{note}")
    with right:
        chart = r.chart
        if chart is not None and chart.lines:
            st.plotly_chart(record_chart(chart, t.shared), key=f"cl.chart.{r.claim_id}")
        else:
            st.caption(t("record.no_chart"))


def render_coverage(ctx: AppContext) -> None:
    """Coverage per article and the statements no claim, driver or fact uses."""
    t = ctx.t
    view = article_coverage_view(ctx.results, t.shared)
    st.caption(t("coverage_articles.note"))
    if view is None:
        st.info(t("coverage_articles.missing"))
        return
    articles = view["articles"]
    _show_table(
        {
            t("coverage_articles.article"): [
                f"{a['article'][:3]} · {a['title'] or a['article']}" for a in articles
            ],
            t("coverage_articles.found"): [a["statements"] for a in articles],
            t("coverage_articles.covered"): [a["covered"] for a in articles],
            t("coverage_articles.share"): [a["share"] for a in articles],
        },
        COVERAGE_WIDTHS,
        f"cl.coverage@{ctx.lang}",
    )
    options = [a["article"] for a in articles if a["uncovered"]]
    titles = {a["article"]: a["title"] or a["article"] for a in articles}
    if not options:
        return
    chosen = st.selectbox(
        t("coverage_pick"),
        options,
        format_func=lambda f: f"{f[:3]} · {titles[f]}",
        key="cl.coverage_article",
    )
    rows = next(a["uncovered"] for a in articles if a["article"] == chosen)
    st.subheader(t("coverage_articles.uncovered", n=len(rows)))
    _show_table(
        {
            t("coverage_articles.line"): [u["line"] for u in rows],
            t("coverage_articles.span"): [u["span"] for u in rows],
            t("coverage_articles.quote"): [u["quote"] for u in rows],
            t("coverage_articles.value"): [u["value"] for u in rows],
            t("label.unit"): [u["unit"] for u in rows],
        },
        UNCOVERED_WIDTHS,
        f"cl.uncovered@{ctx.lang}",
    )
