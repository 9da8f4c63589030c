"""The tear-sheet views in real headless Chromium, in English and Chinese: the report's
monthly-returns heatmap, rolling-risk and weights sections, and the dashboard index
page's tear-sheet panel (each of its four tabs). Screenshots go to
``/tmp/aithesis-screens/`` (``report-<lang>-ts-<section>.png``,
``dashboard-<lang>-ts-<tab>.png``) for a person to look at.

The heatmap's year cells are checked against the calendar-year returns computed here
with pandas from the index levels, formatted with Python's own ``+.1%``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from aithesis.app.i18n import text
from aithesis.project.results import ProjectResults

pytestmark = pytest.mark.slow

SECTIONS = ("monthly", "risk", "weights")
TABS = (("ixa_monthly", "monthly"), ("ixa_rolling", "rolling"), ("ixa_weights", "weights"))
TABS += (("ixa_turnover", "turnover"),)


def year_returns(levels: pd.Series) -> pd.Series:
    """Calendar-year returns from the levels (the first year from the base level)."""
    after = levels.iloc[1:]
    ends = after.groupby(after.index.year).last()
    starts = ends.shift(1)
    starts.iloc[0] = levels.iloc[0]
    return ends / starts - 1.0


@pytest.fixture(scope="module")
def reports(project_results: ProjectResults, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``{lang: path}`` of the session project's two reports."""
    from aithesis.report.render import write_reports

    out = tmp_path_factory.mktemp("ts-report")
    paths = write_reports(project_results, out, ("en", "zh"))
    return {path.name.split(".")[1]: path for path in paths}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_tearsheet_sections_are_drawn(
    lang: str, reports: dict[str, Path], browser_context: Any, shoot: Any, project_results
) -> None:
    from playwright.sync_api import expect

    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(reports[lang].as_uri())
    page.wait_for_load_state("load")
    agix = project_results.indexes[0]
    for sid in SECTIONS:
        section = page.locator(f"section#{sid}")
        expect(section).to_have_count(1)
        section.scroll_into_view_if_needed()
        if sid == "monthly":
            tables = section.locator("table.heatmap")
            assert tables.count() == len(project_results.indexes)
            first = tables.first
            for year, value in year_returns(agix.result.levels).items():
                cell = first.locator(f'td[data-key="monthly.{agix.key}.{year}.year"]')
                assert cell.inner_text().strip() == f"{value:+.1%}"
            # a coloured cell really is coloured on screen (not transparent, not white)
            bg = first.locator(f'td[data-key="monthly.{agix.key}.2023.1"]').evaluate(
                "el => getComputedStyle(el).backgroundColor"
            )
            assert bg.startswith("rgba(") and not bg.endswith(", 0)"), bg
        else:
            charts = section.locator(".js-plotly-plot")
            expected = 3 if sid == "risk" else 2 * len(project_results.indexes)
            assert charts.count() == expected
            for i in range(expected):
                assert charts.nth(i).locator("svg.main-svg").count() >= 1
        page.wait_for_timeout(300)
        shoot(section, f"report-{lang}-ts-{sid}")
    assert errors == []
    page.close()


@pytest.fixture()
def dashboard(browser_context: Any, dashboard_url: str, wait_idle: Any) -> Iterator[Any]:
    """A fresh dashboard tab on its first page (the index page)."""
    page = browser_context.new_page()
    page.goto(dashboard_url + "/")
    wait_idle(page)
    yield page
    page.close()


def test_dashboard_tearsheet_panel_in_both_languages(
    dashboard: Any, wait_idle: Any, shoot: Any, project_results: ProjectResults
) -> None:
    from playwright.sync_api import expect

    page = dashboard
    # tall enough that the whole panel (three stacked charts) is drawn for its screenshot
    page.set_viewport_size({"width": 1400, "height": 3200})
    agix = project_results.indexes[0]
    years = year_returns(agix.result.levels)
    for lang in ("en", "zh"):
        if lang == "zh":
            page.locator('[data-testid="stRadio"] label', has_text="中文").click()
            expect(page.locator('[data-testid="stMain"] h1')).to_contain_text(
                text("index_title", "zh")
            )
            wait_idle(page)
        heading = page.get_by_role("heading", name=text("ixa_title", lang))
        expect(heading).to_have_count(1)
        panel = page.locator('[data-testid="stTabs"]', has_text=text("ixa_turnover", lang))
        expect(panel).to_have_count(1)
        for key, name in TABS:
            panel.get_by_role("tab", name=text(key, lang)).click()
            page.wait_for_timeout(800)
            shown = panel.locator('[role="tabpanel"]:visible')
            if name == "monthly":
                table = shown.locator('[data-testid="stTable"]')
                expect(table).to_be_visible()
                body = table.inner_text()
                for value in years:  # as built = the page's default settings
                    assert f"{value:+.1%}" in body
                assert ("不足一年" if lang == "zh" else "partial") in body
            else:
                charts = shown.locator(".js-plotly-plot")
                expect(charts.first).to_be_visible()
                assert charts.count() == (3 if name == "rolling" else 1)
                assert charts.first.locator("svg.main-svg").count() >= 1
            assert page.locator('[data-testid="stException"]').count() == 0
            panel.scroll_into_view_if_needed()
            shoot(panel, f"dashboard-{lang}-ts-{name}")
