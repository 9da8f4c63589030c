"""The dashboard in real headless Chromium: ``aithesis serve`` on a free port, every page
loaded, a slider moved, the language switched, screenshots taken.

Numbers on the pages are checked against hand computations from the article's figures
(the NVIDIA driver tree, Alibaba's capex growth, a buy-and-hold index) or against the
library result the page claims to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from aithesis.app.fmt import fmt_pct
from aithesis.app.i18n import text
from aithesis.project.results import ProjectResults

pytestmark = pytest.mark.slow

PAGES = (  # (navigation label key, page title key, screenshot name)
    ("page_index", "index_title", "index"),
    ("page_model", "model_title", "model"),
    ("page_kpi", "section.kpi", "kpi"),
    ("page_claims", "section.claims", "claims"),
)


def nvda_market_cap(pe: float) -> float:
    """Article 002's chain by hand, USD bn: $2T x (1/7 + 7.5%) x 75% x 50% x P/E."""
    return 2000.0 * (1.0 / 7.0 + 0.075) * 0.75 * 0.50 * pe


@dataclass
class Tab:
    """A browser tab on the dashboard and what it asked the network for."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests that left this machine (anything not to the dashboard or inline)."""
        return [u for u in self.requests if not u.startswith((self.base, "data:", "blob:"))]


@pytest.fixture()
def tab(browser_context: Any, dashboard_url: str, wait_idle: Any) -> Iterator[Tab]:
    """A fresh tab (a new Streamlit session) on the dashboard's first page."""
    page = browser_context.new_page()
    opened = Tab(page, dashboard_url)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(dashboard_url + "/")
    wait_idle(page)
    yield opened
    page.close()


def go(tab: Tab, wait_idle: Any, label: str, title: str) -> None:
    """Click a page in the sidebar navigation and wait for its title."""
    from playwright.sync_api import expect

    tab.page.locator('[data-testid="stSidebarNav"] a', has_text=label).click()
    expect(tab.page.locator('[data-testid="stMain"] h1')).to_contain_text(title)
    wait_idle(tab.page)


def metric(page: Any, label: str) -> str:
    """The value text of the ``st.metric`` whose label contains ``label``."""
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def number(shown: str) -> float:
    """The first number in a displayed text (``5,392 USD bn`` -> 5392.0)."""
    found = re.search(r"[-+]?\d[\d,]*\.?\d*", shown)
    assert found, f"no number in {shown!r}"
    return float(found.group().replace(",", ""))


def test_every_page_loads_offline_with_its_content(
    tab: Tab, wait_idle: Any, shoot: Any, project_results: ProjectResults
) -> None:
    page = tab.page
    for nav, title, name in PAGES:
        go(tab, wait_idle, text(nav, "en"), text(title, "en"))
        assert page.locator('[data-testid="stException"]').count() == 0, name
        shoot(page, f"dashboard-en-{name}")
        if name == "index":
            # the headline card shows the library's total return of the first index
            agix = project_results.indexes[0]
            assert metric(page, "Total return") == fmt_pct(agix.metrics["total_return"])
            assert page.locator(".js-plotly-plot").count() >= 1
        elif name == "model":
            # NVIDIA's driver tree at the article's figures: $5.392T (P/E 33)
            assert number(metric(page, "market_cap")) == pytest.approx(
                nvda_market_cap(33.0), rel=1e-3
            )
        elif name == "kpi":
            # article 003: Alibaba Q1'25 capex 246.12 vs 317.75 (QoQ) and 111.53 (YoY)
            qoq, yoy = 246.12 / 317.75 - 1, 246.12 / 111.53 - 1
            bars = page.locator("svg text", has_text=fmt_pct(qoq, signed=True))
            assert bars.count() >= 1 and fmt_pct(qoq, signed=True) == "-22.5%"
            assert page.locator("svg text", has_text=fmt_pct(yoy, signed=True)).count() >= 1
        elif name == "claims":
            flagged = project_results.claims.flagged
            assert metric(page, "Flagged") == str(len(flagged))
            # the Three-Gorges check: 8,000 H100 x 1 kW x 100 days x 24 h = 19.2mn kWh,
            # not the article's 26mn kWh; the flagged list shows it with the quote
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert f"{8000 * 1 * 100 * 24 / 1e6:.1f}mn kWh" in main  # as the report writes it
            quoted = next(r for r in flagged if r.claim_id == "gpt4_energy")
            assert quoted.quote and quoted.quote[:12] in main
    assert tab.errors == []
    assert tab.outside() == [], "the dashboard fetched something from the network"


def test_moving_a_driver_slider_changes_the_model_output(
    tab: Tab, wait_idle: Any, shoot: Any
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    go(tab, wait_idle, "Model", text("model_title", "en"))
    before = metric(page, "market_cap")
    # the thumb is an <input type="range"> labelled like the widget
    thumb = page.get_by_role("slider", name=re.compile(r"^pe \("))
    assert float(thumb.input_value()) == 33.0
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    expect(thumb).not_to_have_value("33")
    wait_idle(page)
    expect(page.locator('[data-testid="stMetric"]', has_text="market_cap")).not_to_contain_text(
        before
    )
    pe = float(thumb.input_value())
    assert pe == pytest.approx(33.0 + 5 * (45.0 - 25.0) / 100)  # five 1% steps of [25, 45]
    after = metric(page, "market_cap")
    assert after != before
    assert number(after) == pytest.approx(nvda_market_cap(pe), rel=1e-3)
    shoot(page, "dashboard-en-model-slider-moved")


def test_changing_the_rebalance_rebuilds_the_index(
    tab: Tab, wait_idle: Any, shoot: Any, project_results: ProjectResults
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    agix = project_results.indexes[0]
    before = metric(page, "Total return")
    page.locator('[data-testid="stSelectbox"]', has_text="Rebalance").click()
    page.get_by_role("option", name="never (buy and hold)").click()
    # the metrics table (the page's first static table) names both lines after the index
    metrics_table = page.locator('[data-testid="stTable"]').first
    expect(metrics_table).to_contain_text(text("index_as_built_named", "en", name=agix.name))
    expect(metrics_table).to_contain_text(text("index_yours_named", "en", name=agix.name))
    wait_idle(page)
    after = metric(page, "Total return")
    assert after != before
    # buy and hold by hand: weights set once at the base date (theme target / names in
    # the theme), then each holding grows with its own price until the last date
    result = agix.result
    targets = result.methodology.weighting.theme_targets
    themes = list(result.themes)
    weights = np.array([targets[t] / themes.count(t) for t in themes])
    prices = result.prices
    assert not np.isnan(prices[[0, -1]]).any(), "every AGIX name trades over the window"
    total = float(np.sum(weights * prices[-1] / prices[0]) - 1.0)
    assert after == fmt_pct(total)
    shoot(page, "dashboard-en-index-buy-and-hold")


def test_monte_carlo_runs_on_demand(
    tab: Tab, wait_idle: Any, shoot: Any, project_results: ProjectResults
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    go(tab, wait_idle, "Model", text("model_title", "en"))
    assert page.locator('[data-testid="stMetric"]', has_text="P(").count() == 0
    page.get_by_role("button", name=text("mc_run", "en")).click()
    expect(page.locator('[data-testid="stMetric"]', has_text="P(market_cap>=5000)")).to_be_visible(
        timeout=120_000
    )
    wait_idle(page)
    # same draws and seed as the project build: the same probability
    built = project_results.summary.targets["nvda-5t"]
    assert metric(page, "P(market_cap>=5000)") == fmt_pct(built.probability)
    assert page.locator(".js-plotly-plot").count() >= 2  # histogram and variance shares
    shoot(page, "dashboard-en-model-monte-carlo")


def test_language_switch_shows_chinese_on_every_page(tab: Tab, wait_idle: Any, shoot: Any) -> None:
    from playwright.sync_api import expect

    page = tab.page
    rebalance = page.locator('[data-testid="stSelectbox"]', has_text=text("index_rebalance", "en"))
    rebalance.click()
    page.get_by_role("option", name=text("f_monthly", "en")).click()
    wait_idle(page)
    page.locator('[data-testid="stRadio"] label', has_text="中文").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_contain_text(text("index_title", "zh"))
    wait_idle(page)
    # the choice survives the switch and its label is redrawn in Chinese
    rebalance = page.get_by_role("combobox", name=text("index_rebalance", "zh"))
    expect(rebalance).to_have_value(text("f_monthly", "zh"))
    # a label from the report's shared catalogue, in Chinese
    assert page.get_by_text("算力", exact=True).count() >= 1
    for nav, title, name in PAGES:
        go(tab, wait_idle, text(nav, "zh"), text(title, "zh"))
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert re.search(r"[\u4e00-\u9fff]", page.locator("h1").inner_text())
        shoot(page, f"dashboard-zh-{name}")
    assert tab.errors == []
