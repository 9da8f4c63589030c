"""Claims page: every article claim next to what the model computes; flagged rows
highlighted, with the article's own words.

Results come from :meth:`ThesisModel.check_claims` through the project build.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aithesis.app.context import AppContext
from aithesis.app.fmt import fmt_pct, fmt_value
from aithesis.thesis.results import ClaimResult

__all__ = ["FLAG_STYLE", "render"]

FLAG_STYLE = "background-color: #fde2e1; color: #7a1c17"


def _model_title(ctx: AppContext, name: str) -> str:
    """A model's title in the reader's language (its name when not in the project)."""
    try:
        section = ctx.results.model(name)
    except KeyError:
        return name
    return ctx.t.shared.model_title(section.title, section.title_zh)


def _table(ctx: AppContext, rows: list[ClaimResult]) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        {
            t("col_status"): [t(f"status.{r.status}") for r in rows],
            t("claims.model"): [_model_title(ctx, r.model) for r in rows],
            t("claims.claim"): [r.claim_id for r in rows],
            t("col_text"): [r.text for r in rows],
            t("claims.claimed"): [
                f"{r.op if r.op != '=' else ''} {fmt_value(r.claimed, t.unit(r.unit))}".strip()
                for r in rows
            ],
            t("claims.computed"): [fmt_value(r.computed, t.unit(r.unit)) for r in rows],
            t("claims.gap"): [fmt_pct(r.rel_error) for r in rows],
            t("col_note"): [r.note for r in rows],
            t("claims.quote"): [r.quote for r in rows],
        }
    )


def _quotes(ctx: AppContext, rows: list[ClaimResult]) -> None:
    t = ctx.t
    flagged = [r for r in rows if r.status == "flagged"]
    if not flagged:
        return
    st.subheader(t("claims_quotes"))
    for r in flagged:
        claimed = fmt_value(r.claimed, t.unit(r.unit))
        computed = fmt_value(r.computed, t.unit(r.unit))
        lines = [
            f"**{_model_title(ctx, r.model)} · `{r.claim_id}`**: {r.text}",
            f"{t('claims.claimed')}: {claimed} · {t('claims.computed')}: {computed} · "
            f"{t('claims.gap')}: {fmt_pct(r.rel_error)}",
        ]
        if r.note:
            lines.append(f"{t('claims_note')}: {r.note}")
        if r.quote:
            lines.append(f"> {r.quote}  \n> — {r.source}")
        st.markdown("\n\n".join(lines))
        st.divider()


def render(ctx: AppContext) -> None:
    """Draw the Claims page."""
    t = ctx.t
    report = ctx.results.claims
    st.title(t("section.claims"))
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
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=min(36 * (len(rows) + 1) + 4, 640),
        column_config={
            t("col_text"): st.column_config.TextColumn(width="large"),
            t("col_note"): st.column_config.TextColumn(width="medium"),
            t("claims.quote"): st.column_config.TextColumn(width="large"),
        },
    )
    _quotes(ctx, rows)
