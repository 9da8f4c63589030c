"""The HTML reports in real headless Chromium: every section drawn offline, screenshots.

The reports are written by :func:`aithesis.report.render.write_reports` for the session
project and opened from ``file://``; nothing may be fetched from the network.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from aithesis.project.results import ProjectResults

pytestmark = pytest.mark.slow

SECTIONS = (
    "summary",
    "indexes",
    "drawdowns",
    "rolling",
    "calendar",
    "contributions",
    "concentration",
    "exposure",
    "models",
    "claims",
    "kpi",
    "appendix",
)
# the drawn direct labels (annotations in the right margin) of a section's first chart
END_LABELS_JS = """(section) => {
  const plot = section.querySelector('.js-plotly-plot');
  const names = new Set(plot.data.map(d => d.name));
  return [...plot.querySelectorAll('g.annotation')]
    .filter(g => names.has(g.textContent))
    .map(g => { const r = g.getBoundingClientRect();
                return {text: g.textContent, top: r.top, bottom: r.bottom}; });
}"""
CHARTED = ("indexes", "drawdowns", "rolling", "contributions", "concentration", "models", "kpi")


@pytest.fixture(scope="module")
def reports(project_results: ProjectResults, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``{lang: path}`` of the session project's two reports."""
    from aithesis.report.render import write_reports

    out = tmp_path_factory.mktemp("report-out")
    paths = write_reports(project_results, out, ("en", "zh"))
    return {path.name.split(".")[1]: path for path in paths}


def _open(browser_context: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser_context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, requests, errors


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_report_section_is_drawn_offline(
    lang: str,
    reports: dict,
    browser_context: Any,
    shoot: Any,
    project_results: ProjectResults,
) -> None:
    from playwright.sync_api import expect

    from aithesis.report.i18n import load_catalogue

    catalogue = load_catalogue()
    page, requests, errors = _open(browser_context, reports[lang])
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    for sid in SECTIONS:
        section = page.locator(f"section#{sid}")
        expect(section).to_have_count(1)
        section.scroll_into_view_if_needed()
        expect(section.locator("h2").first).to_contain_text(catalogue[f"section.{sid}"][lang])
        box = section.bounding_box()
        assert box is not None and box["height"] > 80, f"section {sid} is empty"
        if sid in CHARTED:
            charts = section.locator(".js-plotly-plot")
            assert charts.count() >= 1, f"no chart drawn in {sid}"
            # Plotly drew it: its SVG is in the page (the script ran, offline)
            assert charts.first.locator("svg.main-svg").count() >= 1, sid
        if sid in ("indexes", "rolling"):
            # every line is named at its end, and no two names are drawn over each other
            labels = sorted(section.evaluate(END_LABELS_JS), key=lambda b: b["top"])
            assert len(labels) == len(project_results.indexes) + len(project_results.benchmarks)
            for low, high in itertools.pairwise(labels):
                assert low["bottom"] <= high["top"] + 1.5, f"{sid}: {low} overlaps {high}"
        page.wait_for_timeout(200)
        shoot(section, f"report-{lang}-{sid}")
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    page.close()


def test_report_log_scale_button_switches_the_levels_axis(
    reports: dict, browser_context: Any, shoot: Any
) -> None:
    page, _, errors = _open(browser_context, reports["en"])
    chart = page.locator("section#indexes .js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    axis = "el => el.layout.yaxis.type || 'linear'"
    assert chart.evaluate(axis) in ("linear", "-")
    page.locator("section#indexes .updatemenu-button", has_text="Log scale").first.click()
    page.wait_for_timeout(500)
    assert chart.evaluate(axis) == "log"
    shoot(page.locator("section#indexes"), "report-en-indexes-log")
    assert errors == []
    page.close()


def test_report_highlights_flagged_claims(
    reports: dict, browser_context: Any, project_results: ProjectResults
) -> None:
    page, _, _ = _open(browser_context, reports["en"])
    rows = page.locator("section#claims table.claims tbody tr")
    flagged = page.locator("section#claims table.claims tbody tr.flagged")
    assert rows.count() == len(project_results.claims)
    assert flagged.count() == len(project_results.claims.flagged)
    ok_colour = page.locator("section#claims tr.ok").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    flag_colour = flagged.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert flag_colour != ok_colour
    page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_tables_fit_and_models_without_ranges_have_no_monte_carlo(
    lang: str, reports: dict, browser_context: Any, shoot: Any
) -> None:
    page, _, errors = _open(browser_context, reports[lang])
    page.set_viewport_size({"width": 1400, "height": 1000})
    # the KPI tables show every column (Source included) without a scroll bar at 1400 px
    wraps = page.locator("section#kpi .table-wrap")
    assert wraps.count() >= 3
    for i in range(wraps.count()):
        w = wraps.nth(i)
        if not w.is_visible():
            continue  # the folded article-figures table
        clipped = w.evaluate("el => el.scrollWidth - el.clientWidth")
        assert clipped <= 1, f"KPI table {i} clipped by {clipped}px"
    # china-compute's output depends on no ranged driver: no Monte Carlo chart, a reason
    model = page.locator("#model-china-compute")
    assert model.locator(".js-plotly-plot").count() == 0
    assert model.locator("p.no-mc").count() == 1
    # the levels chart names each line directly (every index and benchmark)
    chart = page.locator("section#indexes .js-plotly-plot").first
    names = chart.evaluate("el => el.data.map(d => d.name)")
    labels = chart.evaluate(
        "el => (el.layout.annotations || []).filter(a => a.name === 'end-label').map(a => a.text)"
    )
    assert sorted(labels) == sorted(names)
    dashes = chart.evaluate("el => el.data.map(d => [d.line.color, d.line.dash || 'solid'])")
    assert len({tuple(d) for d in dashes}) == len(dashes), "two lines share colour and dash"
    shoot(page.locator("section#kpi"), f"report-{lang}-kpi-1400")
    assert errors == []
    page.close()


STICKY_JS = """() => {
  const nav = document.querySelector('nav.toc').getBoundingClientRect();
  const heads = [...document.querySelectorAll('table.data thead th')]
    .filter(th => th.checkVisibility())
    .map(th => th.getBoundingClientRect())
    .filter(r => r.bottom > 0 && r.top < window.innerHeight);
  return {navTop: nav.top, navBottom: nav.bottom, heads: heads.map(r => r.top)};
}"""


def _settle(page: Any) -> None:
    """Wait until the page stops scrolling (the report scrolls smoothly: a fixed pause
    measured it mid-way, wherever the smooth scroll had got to)."""
    page.wait_for_function(
        """() => new Promise(done => {
          let last = -1, still = 0;
          const poll = () => { const y = window.scrollY;
            still = y === last ? still + 1 : 0; last = y;
            if (still >= 3) done(true); else setTimeout(poll, 100); };
          poll(); })""",
        timeout=10_000,
    )


def test_report_menu_stays_on_top_and_covers_no_heading_or_table_header(
    reports: dict, browser_context: Any
) -> None:
    page, _, errors = _open(browser_context, reports["en"])
    page.set_viewport_size({"width": 1400, "height": 900})
    for sid in ("claims", "kpi", "appendix"):
        # the menu's own link: the section's title lands just under the menu, not under it
        page.locator(
            "nav.toc a", has_text=page.locator(f"nav.toc a[href='#{sid}']").inner_text()
        ).first.click()
        _settle(page)
        state = page.evaluate(STICKY_JS)
        assert state["navTop"] == 0  # still on screen far down the page
        title = page.locator(f"section#{sid} h2").first.bounding_box()
        assert title["y"] >= state["navBottom"] - 1, sid
        # scrolled on into the section: any header on screen is below the menu
        page.mouse.wheel(0, 600)
        _settle(page)
        state = page.evaluate(STICKY_JS)
        assert state["navTop"] == 0
        assert all(top >= state["navBottom"] - 1 for top in state["heads"]), (sid, state)
    assert errors == []
    page.close()


EVENTS_FIT_JS = """() => {
  const table = document.querySelector('section#kpi table.data.small.events');
  const wrap = table.closest('.table-wrap');
  const lines = td => { const r = document.createRange(); r.selectNodeContents(td);
                       return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; };
  const cells = [...table.querySelectorAll('tbody td.date')];
  return {scroll: wrap.scrollWidth, client: wrap.clientWidth,
          dates: cells.map(td => [td.textContent, getComputedStyle(td).whiteSpace, lines(td)]),
          names: [...table.querySelectorAll('tbody td.event')].map(lines)};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [800, 1400])
def test_kpi_events_table_fits_without_scrolling(
    lang: str, width: int, reports: dict, browser_context: Any, shoot: Any
) -> None:
    """The full-width events table has no horizontal scroll at 800 and 1400 px: details,
    quotes and sources wrap (names too at 800 px); start and end dates stay on one line."""
    page, _, errors = _open(browser_context, reports[lang])
    page.set_viewport_size({"width": width, "height": 1000})
    table = page.locator("section#kpi table.events")
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    state = page.evaluate(EVENTS_FIT_JS)
    assert state["scroll"] <= state["client"], state
    assert len(state["dates"]) == 2 * table.locator("tbody tr").count() > 0
    for text, white_space, lines in state["dates"]:
        assert white_space == "nowrap" and len(text) == 10 and lines == 1, (text, lines)
    if width >= 1400:  # room enough: an event's name stays on one line
        assert state["names"] == [1] * len(state["names"]), state["names"]
    shoot(table, f"report-{lang}-kpi-events-{width}")
    assert errors == []
    page.close()
