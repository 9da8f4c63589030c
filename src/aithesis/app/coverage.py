"""Dashboard section: data coverage of an index's constituents (first/last date with a
price, days missing), from :meth:`IndexResult.coverage`; shows only, computes nothing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aithesis.app.context import AppContext
from aithesis.index.result import IndexResult

__all__ = ["render_coverage"]


def render_coverage(ctx: AppContext, result: IndexResult) -> None:
    """The coverage table of ``result``; names whose data end early are marked."""
    t = ctx.t
    table = result.coverage()
    shown = pd.DataFrame(
        {
            t("coverage.ticker"): table["ticker"],
            t("coverage.first"): table["first"].fillna("—"),
            t("coverage.last"): table["last"].fillna("—"),
            t("coverage.days"): table["days"],
            t("coverage.missing"): table["days_missing"],
            t("coverage.status"): [
                t("coverage.ends_early") if e else "" for e in table["ends_early"]
            ],
        }
    )
    st.subheader(t("section.coverage"))
    st.caption(t("lede.coverage"))
    st.dataframe(shown, hide_index=True, height="content")  # every constituent, no scrolling
