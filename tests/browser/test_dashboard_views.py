"""What a reader sees on the dashboard at 1400 px, in English and Chinese (issue 17):
the index page compares every index and benchmark by name up to the common end date,
sliders state their range, the KPI page marks complete periods and shows its events in
full, and no table is wider than its column.

Expected values are read straight from the project's files (methodology and model YAML,
the price CSVs, the KPI facts CSV), not from the dashboard's code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from aithesis.app.fmt import fmt_num, fmt_pct
from aithesis.app.i18n import text
from aithesis.project.results import ProjectResults

pytestmark = pytest.mark.slow

PAGES = (  # (navigation label key, page title key, screenshot name)
    ("page_index", "index_title", "index"),
    ("page_model", "model_title", "model"),
    ("page_kpi", "section.kpi", "kpi"),
)
# series, trace names and x values of every plotly chart on the page
TRACES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
    (p.data || []).map(d => ({name: d.name, first: String(d.x[0]),
                              last: String(d.x[d.x.length - 1])})))"""
LEGEND_JS = """(i) => [...document.querySelectorAll('.js-plotly-plot')[i]
    .querySelectorAll('.legendtext')].map(e => e.textContent)"""
# every visible table: how wide its content is against the room it has (pixels)
WIDTHS_JS = """() => {
  const out = [];
  const main = document.querySelector('[data-testid="stMainBlockContainer"]')
      .getBoundingClientRect();
  for (const d of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!d.checkVisibility()) continue;  // in a closed expander
    const s = d.querySelector('.dvn-scroller');
    out.push({kind: 'dataframe', head: d.innerText.slice(0, 40),
              content: s.scrollWidth, room: s.clientWidth,
              right: d.getBoundingClientRect().right, limit: main.right});
  }
  for (const d of document.querySelectorAll('[data-testid="stTable"]')) {
    if (!d.checkVisibility()) continue;
    const t = d.querySelector('table');
    const cells = [...t.querySelectorAll('th, td')].map(c => c.getBoundingClientRect().right);
    out.push({kind: 'table', head: t.innerText.slice(0, 40), content: t.scrollWidth,
              room: d.clientWidth, right: Math.max(...cells), limit: main.right});
  }
  return out;
}"""


# how many lines the text of an element is laid out on
LINES_JS = """(e) => { const text = document.createTreeWalker(e, NodeFilter.SHOW_TEXT).nextNode();
    const r = document.createRange(); r.selectNodeContents(text);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""
# every visible data grid has drawn its scroller and its accessible header
GRIDS_READY_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .filter(d => d.checkVisibility())
    .every(d => d.querySelector('.dvn-scroller') && d.querySelector('thead th'))"""
FIRST_TRACE_JS = """(name) => { const p = document.querySelector('.js-plotly-plot');
    return !!(p && p.data && p.data[0].name === name); }"""


def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _last_price_date(prices: Path, ticker: str) -> pd.Timestamp:
    frame = pd.read_csv(prices / f"{ticker}.csv", parse_dates=["date"])
    return frame.loc[frame["close"].notna(), "date"].max()


@pytest.fixture(scope="module")
def expected(project_dir: Path, sample_dir: Path) -> dict[str, Any]:
    """Index names, benchmarks and the common end date, from the project's files: an
    index ends with its last trading constituent, a benchmark with its last price; every
    series stops at the earliest of those ends."""
    config = _yaml(project_dir / "aithesis.yaml")
    indexes = [_yaml(project_dir / relative) for relative in config["indexes"]]
    prices = sample_dir / "prices"
    ends = [max(_last_price_date(prices, t) for t in m["universe"]["tickers"]) for m in indexes]
    ends += [_last_price_date(prices, t) for t in config["benchmarks"]]
    return {
        "indexes": indexes,
        "benchmarks": list(config["benchmarks"]),
        "start": str(config["start"]),
        "end": min(ends).strftime("%Y-%m-%d"),
        "prices": prices,
    }


@pytest.fixture()
def page(browser_context: Any, dashboard_url: str, wait_idle: Any) -> Iterator[Any]:
    """A fresh tab (a new Streamlit session) on the dashboard's first page, in English."""
    opened = browser_context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(dashboard_url + "/")
    wait_idle(opened)
    yield opened
    assert errors == []
    opened.close()


def _go(page: Any, wait_idle: Any, lang: str, nav: str, title: str) -> None:
    from playwright.sync_api import expect

    page.locator('[data-testid="stSidebarNav"] a', has_text=text(nav, lang)).click()
    expect(page.locator('[data-testid="stMain"] h1')).to_contain_text(text(title, lang))
    wait_idle(page)
    page.wait_for_function(GRIDS_READY_JS, timeout=60_000)


def _chinese(page: Any, wait_idle: Any) -> None:
    from playwright.sync_api import expect

    page.locator('[data-testid="stRadio"] label', has_text="中文").click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text(re.compile(r"[\u4e00-\u9fff]"))
    wait_idle(page)


def _metrics_table(page: Any) -> pd.DataFrame:
    """The index page's metrics table as text (rows: metric labels)."""
    table = page.locator('[data-testid="stTable"]').first
    header = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = [
        [c.strip() for c in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    return pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=header[1:])


def test_index_page_compares_every_index_and_benchmark_by_name(
    page: Any, wait_idle: Any, shoot: Any, expected: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    names = [m["name"] for m in expected["indexes"]] + expected["benchmarks"]
    levels, drawdowns = page.evaluate(TRACES_JS)[:2]
    # one line per index and benchmark, named like the files name them
    assert [t["name"] for t in levels] == names
    assert [t["name"] for t in drawdowns] == names
    assert page.evaluate(LEGEND_JS, 0) == names
    # every line runs from the common start to the common end date, none beyond
    assert {t["first"][:10] for t in levels} == {expected["start"]}
    assert {t["last"][:10] for t in levels} == {expected["end"]}
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(
        text("index_common_end", "en", end=expected["end"])
    )
    # QQQ and NDX track the same index, one line hides the other: a caption says so
    main_text = page.locator('[data-testid="stMain"]').inner_text()
    assert re.search(r"(QQQ and NDX|NDX and QQQ) move together", main_text), main_text
    assert "SPY and" not in main_text and "and SPY move" not in main_text
    # one metrics table; its columns are named after the series, not "Your settings"
    table = _metrics_table(page)
    assert list(table.columns) == names
    assert "Your settings" not in page.locator('[data-testid="stMain"]').inner_text()
    assert set(table.loc[text("metric.end", "en")]) == {expected["end"]}
    # NDX's total return over that window, from its CSV (no adj_close: close)
    ndx = pd.read_csv(expected["prices"] / "NDX.csv", parse_dates=["date"]).set_index("date")
    window = ndx["close"][expected["start"] : expected["end"]]
    assert table.loc[text("metric.total_return", "en"), "NDX"] == fmt_pct(
        window.iloc[-1] / window.iloc[0] - 1
    )
    shoot(page, "dashboard-en-index-compare")
    # drop SPY from the comparison: gone from the chart and the table
    chips = page.locator('[data-testid="stMultiSelect"] [data-tag]')
    expect(chips).to_have_count(len(names) - 1)
    page.get_by_role("button", name="Remove SPY").click()
    expect(chips).to_have_count(len(names) - 2)
    wait_idle(page)
    kept = [n for n in names if n != "SPY"]
    assert [t["name"] for t in page.evaluate(TRACES_JS)[0]] == kept
    assert list(_metrics_table(page).columns) == kept
    # the choice survives a language switch (the lines are renamed, SPY stays out)
    _chinese(page, wait_idle)
    zh = [m["name_zh"] for m in expected["indexes"]]
    page.wait_for_function(FIRST_TRACE_JS, arg=zh[0], timeout=60_000)
    assert [t["name"] for t in page.evaluate(TRACES_JS)[0]] == [
        *zh,
        *(b for b in expected["benchmarks"] if b != "SPY"),
    ]


def test_index_page_in_chinese_names_and_describes_the_index(
    page: Any, wait_idle: Any, shoot: Any, expected: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    _chinese(page, wait_idle)
    agix, infra = expected["indexes"]
    assert re.search(r"[\u4e00-\u9fff]", agix["name_zh"] + agix["description_zh"])
    chooser = page.get_by_role("combobox", name=text("index_choose", "zh")).first
    expect(chooser).to_have_value(agix["name_zh"])
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(agix["description_zh"])
    assert agix["description"] not in main.inner_text()
    names = [agix["name_zh"], infra["name_zh"], *expected["benchmarks"]]
    assert [t["name"] for t in page.evaluate(TRACES_JS)[0]] == names
    assert page.evaluate(LEGEND_JS, 0) == names
    # the date axis in Chinese (plotly's default would write "Jan 2023")
    ticks = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')[0]
            .querySelectorAll('.xtick text')].map(e => e.textContent)"""
    )
    assert ticks and all(re.fullmatch(r"\d{4}年\d{1,2}月", tick) for tick in ticks), ticks
    table = _metrics_table(page)
    assert list(table.columns) == names
    assert text("metric.total_return", "zh") in table.index
    chips = page.locator('[data-testid="stMultiSelect"] [data-tag]')
    expect(chips.first).to_have_text(infra["name_zh"])
    shoot(page, "dashboard-zh-index-compare")
    # the other index: its Chinese name and description
    chooser.click()
    page.get_by_role("option", name=infra["name_zh"]).click()
    wait_idle(page)
    expect(main).to_contain_text(infra["description_zh"])
    page.wait_for_function(FIRST_TRACE_JS, arg=infra["name_zh"], timeout=60_000)
    assert [t["name"] for t in page.evaluate(TRACES_JS)[0]][:2] == [
        infra["name_zh"],
        agix["name_zh"],
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_table_is_cut_off_at_1400_px(page: Any, wait_idle: Any, shoot: Any, lang: str) -> None:
    assert page.viewport_size["width"] == 1400
    if lang == "zh":
        _chinese(page, wait_idle)
    for nav, title, name in PAGES:
        _go(page, wait_idle, lang, nav, title)
        if name == "model":  # open the expanders holding tables
            for label in (text("model_table", lang), text("model.scenarios", lang)):
                page.locator('[data-testid="stExpander"] summary', has_text=label).click()
            wait_idle(page)
            page.wait_for_function(GRIDS_READY_JS, timeout=60_000)
        widths = page.evaluate(WIDTHS_JS)
        assert widths, name
        for table in widths:
            where = f"{lang}/{name}: {table['kind']} {table['head']!r}"
            assert table["content"] <= table["room"] + 1, f"{where} scrolls sideways"
            assert table["right"] <= table["limit"] + 1, f"{where} runs off the page"
        shoot(page, f"dashboard-{lang}-{name}-1400")


def test_model_sliders_state_their_low_and_high(
    page: Any, wait_idle: Any, project_dir: Path
) -> None:
    _go(page, wait_idle, "en", "page_model", "model_title")
    drivers = _yaml(project_dir / "models" / "nvda-5t.yaml")["drivers"]
    ranged = {
        k: d for k, d in drivers.items() if isinstance(d, dict) and d.get("low") != d.get("high")
    }
    assert "pe" in ranged and len(ranged) >= 5
    captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    for name, driver in ranged.items():
        low, base, high = (float(driver[k]) for k in ("low", "value", "high"))
        low, high = min(low, base), max(high, base)
        slider = page.locator(  # labelled "name (unit)", or the name alone
            f'input[type=range][aria-label="{name}"], input[type=range][aria-label^="{name} ("]'
        )
        assert float(slider.get_attribute("min")) == low, name
        assert float(slider.get_attribute("max")) == high, name
        shown = f"low {fmt_num(low)} · base {fmt_num(base)} · high {fmt_num(high)}"
        assert any(c.startswith(shown) for c in captions), (name, shown)
    # the article's P/E range: 25 to 45, base 33
    assert any(c.startswith("low 25 · base 33 · high 45") for c in captions)


def test_kpi_marks_complete_periods_and_shows_events_in_full(
    page: Any, wait_idle: Any, project_dir: Path, project_results: ProjectResults
) -> None:
    from playwright.sync_api import expect

    _go(page, wait_idle, "en", "page_kpi", "section.kpi")
    # China cloud majors (Alibaba, Tencent, Baidu): a period is complete when every
    # member has a capex figure in the project's facts file
    facts = pd.read_csv(project_dir / "kpi" / "article_facts.csv")
    capex = facts[facts["metric"] == "capex"]
    members = {"alibaba", "tencent", "baidu"}
    # the grid is drawn on a canvas; its accessible table holds the cell texts
    grid = page.locator('[data-testid="stDataFrame"]', has_text="Members present").first
    header = [h.strip() for h in grid.locator("thead th").all_text_contents()]
    column = header.index(text("kpi.complete", "en"))
    rows = grid.locator("tbody tr").all()
    assert len(rows) == capex[capex["entity"].isin(members)]["period"].nunique() == 3
    for row in rows:
        cells = [c.strip() for c in row.locator("td").all_text_contents()]
        period = cells[0]
        have = set(capex.loc[capex["period"] == period, "entity"]) & members
        assert cells[column] == ("✓" if have == members else "—"), period
    # growth bars sit on calendar quarters, the quarters without a figure left empty
    ali = capex[capex["entity"] == "alibaba"]
    quarters = sorted({pd.Period(d, freq="Q") for d in ali["period_end"]})
    span = [str(q) for q in pd.period_range(quarters[0], quarters[-1], freq="Q")]
    assert len(span) > len(quarters)  # 2024Q2 and 2024Q3 have no figure
    axes = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
            x: (p.data[0] || {}).x || [], axis: (p.layout.xaxis || {}).categoryarray || []}))"""
    )
    drawn = [a for a in axes if list(a["x"]) == [str(q) for q in quarters]]
    assert drawn, [a["x"][:4] for a in axes]
    assert list(drawn[0]["axis"]) == span
    # "Members without data" names each member once (not once per period it misses)
    prefix = text("kpi_missing", "en", names="")
    notes = [
        c[len(prefix) :].split(", ")
        for c in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
        if c.startswith(prefix)
    ]
    assert notes and all(len(names) == len(set(names)) for names in notes), notes
    assert ["Baidu"] in notes  # China cloud: Baidu has no capex figure in the facts file
    assert "baidu" not in set(capex["entity"])
    # every event's detail and quote are on the page in full (a wrapped static table)
    tables = page.locator('[data-testid="stTable"]')
    assert tables.count() == 1
    events = project_results.kpi.events
    rows = tables.first.locator("tbody tr").all()
    assert len(rows) == len(events)
    for row, event in zip(rows, events.itertuples(), strict=True):
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        assert str(event.detail) in cells and str(event.quote) in cells
        # the dates stay on one line (not "2022-11-" over "30")
        for date in (str(event.start), str(event.end)):
            cell = row.locator("td", has_text=date).first
            assert cell.evaluate(LINES_JS) == 1, date
    # in Chinese the details are Chinese (the report's catalogue), the quotes unchanged
    _chinese(page, wait_idle)
    _go(page, wait_idle, "zh", "page_kpi", "section.kpi")
    table = page.locator('[data-testid="stTable"]').first
    expect(table).to_contain_text(text("kpi.detail", "zh"))
    for row, event in zip(table.locator("tbody tr").all(), events.itertuples(), strict=True):
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        assert str(event.detail) not in cells and str(event.quote) in cells
        assert re.search(r"[\u4e00-\u9fff]", cells[3]), cells[3]


def test_model_page_in_chinese_describes_the_model_and_its_nodes(
    page: Any, wait_idle: Any, project_dir: Path
) -> None:
    from playwright.sync_api import expect

    spec = _yaml(project_dir / "models" / "nvda-5t.yaml")
    _chinese(page, wait_idle)
    _go(page, wait_idle, "zh", "page_model", "model_title")
    main = page.locator('[data-testid="stMain"]')
    description = " ".join(spec["description_zh"].split())
    expect(main).to_contain_text(description)
    assert " ".join(spec["description"].split())[:40] not in main.inner_text()
    # the values table: every driver's Chinese title, wrapped in full (a static table)
    page.locator('[data-testid="stExpander"] summary', has_text=text("model_table", "zh")).click()
    table = page.locator('[data-testid="stTable"]', has_text=text("col_formula", "zh")).first
    expect(table).to_be_visible()
    rows = {
        cells[0]: cells
        for cells in (
            [c.strip() for c in row.locator("td").all_inner_texts()]
            for row in table.locator("tbody tr").all()
        )
    }
    titled = {k: d["title_zh"] for k, d in spec["drivers"].items() if d.get("title_zh")}
    assert len(titled) >= 5
    for name, title in titled.items():
        assert rows[name][-1] == title, name
    for name, formula in spec["formulas"].items():
        expr = formula["expr"] if isinstance(formula, dict) else formula
        assert " ".join(rows[name][-2].split()) == " ".join(str(expr).split()), name


def test_claims_page_lists_each_flagged_claim_once_with_its_quote(
    page: Any, wait_idle: Any, project_results: ProjectResults
) -> None:
    """The full list carries every claim once; a flagged claim's article words sit under
    it (there is no second list of the flagged repeating them)."""
    _go(page, wait_idle, "en", "page_claims", "section.claims")
    main = page.locator('[data-testid="stMain"]').inner_text()
    report = project_results.claims
    # each claim's figures line once: a second list of the flagged would repeat theirs
    assert main.count(text("claims.computed", "en") + ": ") == len(report)
    assert report.flagged
    for r in report.flagged:
        if r.quote:
            assert main.count(r.quote) == 1, r.claim_id
