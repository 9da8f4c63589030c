"""Claims against the record and article coverage in headless Chromium at 1,400 px:
the report's new section, and the dashboard's claims page (every tab, both languages)
with no table column clipped and every row on the page.

"Not clipped" is measured on the page: each table ends inside the main area and the
window, and its grid scrolls neither sideways (every column shown) nor down (every row
shown). Screenshots go to ``/tmp/aithesis-screens/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aithesis.app.i18n import text
from aithesis.project.results import ProjectResults
from aithesis.report.i18n import load_catalogue

pytestmark = pytest.mark.slow

WIDTH = 1400
TABS = ("claims_tab_model", "claims_tab_record", "claims_tab_coverage")
_LATIN = re.compile(r"\b[a-z]{3,}\b")  # lower-case English words (tickers are upper case)
_CODE = re.compile(r"[\w-]*_[\w.-]*|[\w-]+\.txt|\b[a-z]+-[a-z0-9-]+\b")  # ids, files, models


@pytest.fixture(scope="module")
def reports(project_results: ProjectResults, tmp_path_factory: pytest.TempPathFactory) -> dict:
    from aithesis.report.render import write_reports

    out = tmp_path_factory.mktemp("record-report")
    return {p.name.split(".")[1]: p for p in write_reports(project_results, out, ("en", "zh"))}


@pytest.fixture()
def page(browser_context: Any) -> Iterator[Any]:
    tab = browser_context.new_page()
    tab.set_viewport_size({"width": WIDTH, "height": 1000})
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert errors == []


def _inside(box: dict, right: float) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= right + 0.5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_record_section_is_drawn_with_a_chart_per_market_claim(
    lang: str, reports: dict, page: Any, shoot: Any, project_results: ProjectResults
) -> None:
    page.goto(Path(reports[lang]).as_uri())
    page.wait_for_load_state("load")
    section = page.locator("section#record")
    section.scroll_into_view_if_needed()
    title = load_catalogue()["section.record"][lang]
    assert title in section.locator("h2").inner_text()
    cards = section.locator(".record-claim")
    assert cards.count() == len(project_results.records)
    charted = [r for r in project_results.records if r.chart is not None]
    assert section.locator(".js-plotly-plot svg.main-svg").count() >= len(charted) > 0
    for i in range(cards.count()):
        assert _inside(cards.nth(i).bounding_box(), WIDTH)
        assert cards.nth(i).locator(".rbadge").count() == 2
    # badges are coloured by status: a green one for a claim that came true
    came = section.locator('.rbadge[data-status="came_true"]').first
    assert came.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(217, 242, 232)"
    shoot(section, f"report-{lang}-record")
    page.evaluate("document.querySelectorAll('details.uncovered').forEach(d => d.open = true)")
    appendix = page.locator("#article-coverage")
    appendix.scroll_into_view_if_needed()
    shoot(page.locator("table.article-coverage"), f"report-{lang}-article-coverage")


def _tables_fit(page: Any) -> list[str]:
    """Problems of every visible data frame: off the main area, clipped columns or rows."""
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    padding = page.locator('[data-testid="stMainBlockContainer"]').evaluate(
        "e => parseFloat(getComputedStyle(e).paddingRight)"
    )
    right = min(main["x"] + main["width"] - padding, WIDTH)
    problems, seen = [], 0
    for frame in page.locator('[data-testid="stDataFrame"]').all():
        if not frame.is_visible():
            continue
        seen += 1
        frame.scroll_into_view_if_needed()
        box = frame.bounding_box()
        if not _inside(box, right):
            problems.append(f"table ends at {box['x'] + box['width']:.0f} px > {right:.0f}")
        sizes = frame.evaluate(
            """e => { const s = e.querySelector('.dvn-scroller');
                      return s && [s.scrollWidth, s.clientWidth,
                                   s.scrollHeight, s.clientHeight]; }"""
        )
        assert sizes, "the data frame's grid was not drawn"
        sw, cw, sh, ch = sizes
        if sw > cw + 1:
            problems.append(f"columns clipped: {sw} px of columns in {cw} px")
        if sh > ch + 1:
            problems.append(f"rows hidden: {sh} px of rows in {ch} px")
    assert seen, "no table on the tab"
    return problems


def _longest_claim(results: ProjectResults, lang: str) -> str:
    """The longest claim text the model-claims table shows (Chinese: the model's text_zh)."""
    texts = []
    for r in results.claims:
        if lang == "zh":
            zh = results.model(r.model).claim_texts_zh.get(r.claim_id)
            if zh:
                texts.append(zh)
        elif r.kind != "cross":
            texts.append(r.text)
    assert texts
    return max(texts, key=len)


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _open_tab(page: Any, label: str, wait_idle: Any) -> None:
    page.get_by_role("tab", name=label).click()
    page.wait_for_timeout(800)
    wait_idle(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_claims_page_tables_fit_1400px_in_both_languages(
    lang: str,
    page: Any,
    dashboard_url: str,
    wait_idle: Any,
    shoot: Any,
    project_results: ProjectResults,
) -> None:
    page.goto(f"{dashboard_url}/claims?lang={lang}")
    wait_idle(page)
    assert text("section.claims", lang) in page.locator('[data-testid="stMain"] h1').inner_text()
    for key in TABS:
        label = text(key, lang)
        _open_tab(page, label, wait_idle)
        assert page.locator('[data-testid="stException"]').count() == 0, key
        problems = _tables_fit(page)
        assert not problems, f"{lang} {key}: {problems}"
        shoot(page, f"dashboard-{lang}-claims-{key.removeprefix('claims_tab_')}")
        panel = page.locator('[role="tabpanel"]:visible').first.inner_text()
        prose = page.locator('[role="tabpanel"]:visible').first.evaluate(
            """e => { const c = e.cloneNode(true);
                      c.querySelectorAll('code, pre').forEach(x => x.remove());
                      return c.textContent; }"""
        )
        if key == "claims_tab_model":
            # the Claimed / Computed / Gap headers are on screen
            for head in ("claims.claimed", "claims.computed", "claims.gap"):
                assert text(head, lang) in panel
            # the longest claim is readable in full without a click (the grid cuts it)
            shown = " ".join(
                page.locator(
                    '[role="tabpanel"]:visible [data-testid="stMarkdown"]'
                ).all_inner_texts()
            )
            assert _squash(_longest_claim(project_results, lang)) in _squash(shown)
        if key == "claims_tab_record":
            since = project_results.summary.records_since
            assert str(len(project_results.records)) in panel
            assert text("record_came_true", lang) in panel and since["came_true"] > 0
            assert page.locator('[role="tabpanel"]:visible .js-plotly-plot').count() >= 1
        if lang == "zh":
            # "token" is the unit Chinese AI writing uses as is (as the articles do)
            words = [w for w in _LATIN.findall(_CODE.sub(" ", prose)) if w != "token"]
            assert not words, f"English on the zh {key} tab: {sorted(set(words))[:20]}"
