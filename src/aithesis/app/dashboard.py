"""Streamlit entry script of the aithesis dashboard.

Run::

    streamlit run dashboard.py -- --project DIR     # or: aithesis serve DIR

The project folder comes from ``--project`` (after ``--``) or ``$AITHESIS_PROJECT``.
The sidebar switches the language (English / 中文; ``?lang=zh`` in the URL also works)
and the page: Index, Model, KPI, Claims.
"""

from __future__ import annotations

import sys

import streamlit as st

from aithesis.app import data, page_claims, page_index, page_kpi, page_model
from aithesis.app.context import AppContext
from aithesis.app.i18n import LANGUAGE_NAMES, LANGUAGES, text, translator
from aithesis.errors import AithesisError

__all__ = ["main"]

_PAGE_STATE = ("ix.", "md.", "mc.", "cl.")  # session keys of the pages' widgets


def _language() -> str:
    """The reader's language from the sidebar switch (first visit: ``?lang=``, else en)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "en")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    lang = st.sidebar.radio(
        text("language", st.session_state["lang"]),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key="lang",
    )
    return str(lang)


def _context(lang: str) -> AppContext:
    t = translator(lang)
    folder = data.project_folder(sys.argv[1:])
    if folder is None:
        st.error(t("no_project"))
        st.markdown(t("no_project_hint"))
        st.stop()
    try:
        with st.spinner(t("project")):
            project = data.project(str(folder))
            results = data.results(str(folder))
    except AithesisError as exc:
        st.error(t("project_error"))
        st.code(str(exc), language=None)
        st.stop()
    return AppContext(folder=folder, project=project, results=results, lang=lang, t=t)


def _reload() -> None:
    """Re-read the project files and reset the pages' settings to them."""
    data.reload()
    for key in [k for k in st.session_state if str(k).startswith(_PAGE_STATE)]:
        del st.session_state[key]


def _sidebar(ctx: AppContext) -> None:
    results = ctx.results
    name = results.title_zh if ctx.lang == "zh" and results.title_zh else results.name
    st.sidebar.markdown(f"**{ctx.t('project')}:** {name}")
    st.sidebar.caption(str(ctx.folder))
    when = results.built_at.strftime("%Y-%m-%d %H:%M UTC")
    st.sidebar.caption(ctx.t("built_at", when=when, seconds=results.seconds))
    st.sidebar.button(ctx.t("reload"), on_click=_reload, key="reload")
    st.sidebar.caption(ctx.t("thin_shell_note"))


def main() -> None:
    """Draw the dashboard (one Streamlit rerun)."""
    # emoji icons are drawn locally; Material icons would fetch an SVG from the network
    st.set_page_config(page_title="aithesis", page_icon="📈", layout="wide")
    lang = _language()
    ctx = _context(lang)
    _sidebar(ctx)

    def index_page() -> None:
        page_index.render(ctx)

    def model_page() -> None:
        page_model.render(ctx)

    def kpi_page() -> None:
        page_kpi.render(ctx)

    def claims_page() -> None:
        page_claims.render(ctx)

    t = ctx.t
    pages = [
        st.Page(
            index_page,
            title=t("page_index"),
            url_path="index",
            default=True,
        ),
        st.Page(model_page, title=t("page_model"), url_path="model"),
        st.Page(kpi_page, title=t("page_kpi"), url_path="kpi"),
        st.Page(claims_page, title=t("page_claims"), url_path="claims"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":  # streamlit runs this file as __main__
    main()
