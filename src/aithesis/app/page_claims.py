"""Claims page: the model claims, the claims against the record and the articles' coverage.

Three tabs. *Model claims*: every article claim next to what the model computes, flagged
rows highlighted; the table keeps the columns that fit a 1,400 px window (status, claim,
what the article says, claimed, computed, gap) and shows the selected claim's note and
quote under it, with the flagged claims and the article's words below. *Against the
record*: each record claim judged as of the article date and of the latest data
(:mod:`aithesis.app.claims_record`). *Coverage*: which of the articles' statements the
models use. Results come from the project build; the page computes nothing.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import streamlit as st

from aithesis.app.claims_record import render_coverage, render_records
from aithesis.app.context import AppContext
from aithesis.app.fmt import fmt_pct
from aithesis.report.generated import claim_note, cross_claim_text
from aithesis.thesis.results import ClaimResult

__all__ = ["FLAG_STYLE", "ROW_HEIGHT", "WIDTHS", "claim_text", "render", "table_height"]

FLAG_STYLE = "background-color: #fde2e1; color: #7a1c17"
_CODE_TAG = re.compile(r"<code>(.*?)</code>")
ROW_HEIGHT = 35
"""Streamlit's data-frame row height (px); tables are as tall as their rows."""
WIDTHS = {"status": 90, "claim": 180, "text": 250, "claimed": 150, "computed": 150, "gap": 70}
"""Column widths (px) of the model-claims table: 890 px plus the row-selection column,
inside the 940 px main area of a 1,400 px window beside the sidebar."""


def table_height(rows: int) -> int:
    """A data frame's height (px) that shows every one of ``rows`` rows and the header."""
    return ROW_HEIGHT * (rows + 1) + 3


def _model_title(ctx: AppContext, name: str) -> str:
    """A model's title in the reader's language (its name when not in the project)."""
    try:
        section = ctx.results.model(name)
    except KeyError:
        return name
    return ctx.t.shared.model_title(section.title, section.title_zh)


def claim_text(ctx: AppContext, r: ClaimResult) -> str:
    """A claim's text in the reader's language (``text_zh`` of the model in Chinese)."""
    if ctx.lang == "zh":
        try:
            zh = ctx.results.model(r.model).claim_texts_zh.get(r.claim_id)
        except KeyError:
            zh = None
        if zh:
            return zh
        if r.kind == "cross":
            return html.unescape(re.sub(r"</?code>", "", str(cross_claim_text(r, ctx.t.shared))))
        return r.quote
    return r.text


def _claimed(ctx: AppContext, r: ClaimResult) -> str:
    symbol = {">=": "≥", "<=": "≤", "=": "", "in": "", "plausible": "≈"}.get(r.op, r.op)
    return f"{symbol} {ctx.t.value(r.claimed, r.unit)}".strip()


def _table(ctx: AppContext, rows: list[ClaimResult]) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        {
            t("col_status"): [t(f"status.{r.status}") for r in rows],
            t("claims.claim"): [r.claim_id for r in rows],
            t("col_text"): [claim_text(ctx, r) for r in rows],
            t("claims.claimed"): [_claimed(ctx, r) for r in rows],
            t("claims.computed"): [t.value(r.computed, r.unit) for r in rows],
            t("claims.gap"): [fmt_pct(r.rel_error) for r in rows],
        }
    )


def _details(ctx: AppContext, r: ClaimResult) -> None:
    """The selected claim in full: text, figures, note and the article's words."""
    t = ctx.t
    lines = [
        f"**{_model_title(ctx, r.model)} · `{r.claim_id}`**: {claim_text(ctx, r)}",
        f"{t('claims.claimed')}: {_claimed(ctx, r)} · "
        f"{t('claims.computed')}: {t.value(r.computed, r.unit)} · "
        f"{t('claims.gap')}: {fmt_pct(r.rel_error)} · {t(f'status.{r.status}')}",
    ]
    note = _markdown(claim_note(r.note, ctx.t.shared, r.reconciling))
    if note:
        lines.append(f"{t('claims_note')}: {note}")
    if r.quote:
        lines.append(f"> {r.quote}  \n> — {r.source}")
    st.markdown("\n\n".join(lines))


def _markdown(text: str) -> str:
    """A re-worded note (HTML with ``<code>`` names) as Markdown (names in backticks)."""
    return html.unescape(_CODE_TAG.sub(lambda m: f"`{m.group(1)}`", str(text)))


def _selected(event: Any) -> int | None:
    """The row the reader clicked in a selectable data frame (None: none)."""
    try:
        chosen = event.selection.rows
    except AttributeError:
        return None
    return int(chosen[0]) if chosen else None


def _model_claims(ctx: AppContext) -> None:
    t = ctx.t
    report = ctx.results.claims
    total, flagged_card = st.columns(2)
    total.metric(t("claims_total"), f"{len(report)}")
    flagged_card.metric(t("claims_flagged"), f"{len(report.flagged)}")
    models = list(dict.fromkeys(r.model for r in report))
    left, right = st.columns([3, 1])
    chosen = left.multiselect(
        t("claims_models"),
        models,
        default=models,
        format_func=lambda name: _model_title(ctx, name),
        key=f"cl.models@{ctx.lang}",
    )
    only_flagged = right.toggle(t("claims_only_flagged"), value=False, key="cl.only_flagged")
    rows = [r for r in report if r.model in chosen and (not only_flagged or r.status == "flagged")]
    if not rows:
        st.info(t("claims_none"))
        return
    table = _table(ctx, rows)
    flagged_label = t("status.flagged")
    status = t("col_status")
    styled = table.style.apply(
        lambda row: [FLAG_STYLE if row[status] == flagged_label else "" for _ in row], axis=1
    )
    keys = ("status", "claim", "text", "claimed", "computed", "gap")
    event = st.dataframe(
        styled,
        hide_index=True,
        width="content",
        height=table_height(len(rows)),
        row_height=ROW_HEIGHT,
        on_select="rerun",
        selection_mode="single-row",
        key=f"cl.table@{ctx.lang}",
        column_config={
            name: st.column_config.TextColumn(width=WIDTHS[k])
            for name, k in zip(table.columns, keys, strict=True)
        },
    )
    st.caption(t("claims_select_hint"))
    picked = _selected(event)
    if picked is not None and picked < len(rows):
        _details(ctx, rows[picked])
        st.divider()
    _full_list(ctx, rows)


def _full_list(ctx: AppContext, rows: list[ClaimResult]) -> None:
    """Every claim of the table in full, wrapped, with its figures and note, and under a
    flagged claim the article's words: the table's cells cut long texts, this list shows
    them without a click (each claim once: there is no second list of the flagged)."""
    t = ctx.t
    st.subheader(t("claims_full"))
    items = []
    for r in rows:
        note = _markdown(claim_note(r.note, ctx.t.shared, r.reconciling))
        figures = (
            f"{t('claims.claimed')}: {_claimed(ctx, r)} · "
            f"{t('claims.computed')}: {t.value(r.computed, r.unit)} · "
            f"{t('claims.gap')}: {fmt_pct(r.rel_error)}"
        )
        status = t(f"status.{r.status}")
        line = f"- **`{r.claim_id}`** ({status}): {claim_text(ctx, r)}  \n  {figures}"
        if note:
            line += f"  \n  {t('claims_note')}: {note}"
        if r.quote and r.status == "flagged":  # the article's own words, once, in the list
            line += f"\n\n  > {r.quote}  \n  > — {r.source}\n"
        items.append(line.replace("$", "\\$"))  # no LaTeX from "$5,000bn ... $3T"
    st.markdown("\n".join(items))


def render(ctx: AppContext) -> None:
    """Draw the Claims page."""
    t = ctx.t
    st.title(t("section.claims"))
    model_tab, record_tab, coverage_tab = st.tabs(
        [t("claims_tab_model"), t("claims_tab_record"), t("claims_tab_coverage")]
    )
    with model_tab:
        _model_claims(ctx)
    with record_tab:
        render_records(ctx)
    with coverage_tab:
        render_coverage(ctx)
