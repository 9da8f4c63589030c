"""The report's figures plot the results they are given (checked by hand computations)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aithesis.report import charts
from aithesis.report.i18n import Translator

EN, ZH = Translator("en"), Translator("zh")


def _trace(fig, name: str):
    matches = [tr for tr in fig.data if tr.name == name]
    assert len(matches) == 1, [tr.name for tr in fig.data]
    return matches[0]


def test_levels_start_at_100_and_offer_a_log_scale(built) -> None:
    results = built.results
    fig = charts.index_levels(results, EN)
    assert len(fig.data) == len(results.indexes) + len(results.benchmarks)
    for trace in fig.data:
        assert trace.y[0] == pytest.approx(100.0, abs=1e-12)
    agix = results.index("agix").result
    lv = agix.level_values
    assert _trace(fig, agix.name).y[-1] == pytest.approx(lv[-1] / lv[0] * 100, rel=1e-12)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.args[0]["yaxis.type"] for b in buttons] == ["linear", "log"]
    assert [b.label for b in buttons] == ["Linear", "Log scale"]
    assert [b.label for b in charts.index_levels(results, ZH).layout.updatemenus[0].buttons] == [
        "线性坐标",
        "对数坐标",
    ]


def test_drawdowns_are_the_fall_from_the_running_peak(built) -> None:
    section = built.results.index("agix")
    lv = section.result.level_values
    by_hand = [lv[i] / max(lv[: i + 1]) - 1 for i in range(lv.size)]
    trace = _trace(charts.drawdowns(built.results, EN), section.name)
    assert np.allclose(trace.y, by_hand, rtol=0, atol=1e-12)
    assert min(trace.y) == pytest.approx(section.metrics["max_drawdown"], abs=1e-12)


def test_rolling_return_is_the_trailing_252_day_return(built) -> None:
    section = built.results.index("ai-infra")
    res = section.result
    lv = res.level_values
    trace = _trace(charts.rolling_returns(built.results, EN), section.name)
    assert trace.x[0] == str(res.dates[252])[:10]
    assert trace.x[-1] == str(res.dates[-1])[:10]
    assert len(trace.y) == lv.size - 252
    for k in (0, 100, len(trace.y) - 1):
        assert trace.y[k] == pytest.approx(lv[k + 252] / lv[k] - 1, abs=1e-12)


def test_contribution_bars_sum_to_the_total_return_with_names_in_chinese(built) -> None:
    section = built.results.index("agix")
    lv = section.result.level_values
    for by in ("stock", "theme"):
        bars = charts.contributions(section, ZH, by).data[0]
        assert sum(bars.x) == pytest.approx(lv[-1] / lv[0] - 1, abs=1e-9)
    stock = charts.contributions(section, ZH, "stock").data[0]
    assert "英伟达" in stock.y and "NVIDIA" not in stock.y
    assert stock.y[-1] == ZH.company(section.by_stock.index[0])  # largest on top
    theme = charts.contributions(section, ZH, "theme").data[0]
    assert "算力" in theme.y


def test_monte_carlo_histogram_marks_the_target_and_its_probability(built) -> None:
    model = built.results.model("nvda-5t")
    mc = model.monte_carlo
    fig = charts.monte_carlo(model, EN)
    bars = fig.data[0]
    assert sum(bars.y) == pytest.approx(1.0, abs=1e-12)  # shares of all draws
    assert np.allclose(bars.x, (mc.edges[:-1] + mc.edges[1:]) / 2)
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert 5000.0 in [s.x0 for s in lines]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert f"{mc.probability * 100:.1f}%" in texts
    assert "P(market_cap ≥ $5,000bn)" in texts


def test_tornado_bars_run_from_the_base_to_each_end(built) -> None:
    model = built.results.model("nvda-5t")
    tor = model.tornado
    fig = charts.tornado(model, EN)
    low, high = fig.data
    top = list(tor.drivers).index("pe")
    row = len(tor.drivers) - 1 - top  # the widest swing is drawn on top
    assert low.y[row].startswith("pe ")
    assert low.base + low.x[row] == pytest.approx(tor.out_low[top], rel=1e-12)
    assert high.base + high.x[row] == pytest.approx(tor.out_high[top], rel=1e-12)


def test_kpi_bars_carry_qoq_yoy_labels_and_events(built) -> None:
    table = built.results.kpi.growth["alibaba/capex"]
    events = built.results.kpi.events
    fig = charts.kpi_series(table, events, EN)
    bars = fig.data[0]
    assert list(bars.x) == ["2024Q1", "2024Q4", "2025Q1"]
    # English reads RMB bn (the stored 亿元 x 0.1), on the bars and the axis alike
    assert list(bars.y) == pytest.approx([11.153, 31.775, 24.612], rel=1e-12)
    assert fig.layout.yaxis.title.text == "RMB bn"
    assert bars.text[-1].startswith("24.61<br>")
    assert "QoQ -22.5%" in bars.text[-1] and "YoY +120.7%" in bars.text[-1]  # article 003
    zh_fig = charts.kpi_series(table, events, ZH)
    assert list(zh_fig.data[0].y) == [111.53, 317.75, 246.12]  # 亿元 as stored
    assert zh_fig.layout.yaxis.title.text == "亿元"
    notes = [a.text for a in fig.layout.annotations]
    assert "Q4'24 GPU stockpiling" in notes
    zh_notes = [a.text for a in charts.kpi_series(table, events, ZH).layout.annotations]
    assert "2024年四季度囤卡" in zh_notes


def test_exposure_chart_shows_each_bucket_return(built) -> None:
    study = built.results.exposure
    fig = charts.exposure(study, EN)
    assert list(fig.data[0].y) == list(study.test.returns)
    assert list(fig.data[0].customdata) == [len(study.members[b]) for b in study.test.labels]


def test_lorenz_curves_run_from_corner_to_corner(built) -> None:
    fig = charts.lorenz(built.results, EN)
    for section in built.results.indexes:
        label = next(tr for tr in fig.data if tr.name.startswith(section.name))
        assert (label.x[0], label.y[0]) == (0, 0) and label.y[-1] == pytest.approx(1.0)
        assert f"{section.gini:.2f}" in label.name


def _uncertain(model) -> bool:
    return model.tornado is not None and bool(np.any(model.tornado.swing > 0))


def test_tornado_and_histogram_share_one_height_so_no_column_is_half_empty(built) -> None:
    shown = [m for m in built.results.models if _uncertain(m) and m.monte_carlo is not None]
    assert len(shown) >= 5
    for model in shown:
        tor, mc = charts.tornado(model, EN), charts.monte_carlo(model, EN)
        n = len(model.tornado.drivers)
        assert tor.layout.height == mc.layout.height >= max(380, 34 * n + 120), model.name
        # each bar at most ~40 px thick: plot height per driver times the bar's share
        margin = tor.layout.margin
        row = (tor.layout.height - margin.t - margin.b) / n
        assert row * (1 - tor.layout.bargap) <= 41, (model.name, n)


def test_an_output_without_a_unit_has_no_empty_parentheses(built) -> None:
    unitless = [m for m in built.results.models if _uncertain(m) and not m.monte_carlo.unit]
    assert unitless, "the agix project has a model whose output has no unit"
    for model in unitless:
        tor, mc = charts.tornado(model, EN), charts.monte_carlo(model, EN)
        assert tor.layout.xaxis.title.text.startswith(f"{model.output} · ")
        assert mc.layout.xaxis.title.text == model.output
        assert "()" not in tor.layout.xaxis.title.text + mc.layout.xaxis.title.text


def test_report_pairs_the_two_figures_and_gives_one_reason_without_ranges(built, html) -> None:
    import re

    for lang in ("en", "zh"):
        articles = dict(
            re.findall(r'<article[^>]*id="model-([^"]+)"(.*?)</article>', html[lang], re.S)
        )
        for model in built.results.models:
            body = articles[model.key]
            if _uncertain(model):
                figures = body.split('class="grid-2 model-figures"')[1].split("mc-tables")[0]
                assert f"fig-tornado-{model.key}" in figures and f"fig-mc-{model.key}" in figures
                assert "no-mc" not in body
            else:  # one reason for both panels, no empty second column
                assert body.count('class="empty no-mc"') == 1, (lang, model.key)
                assert "model-figures" not in body and "fig-" not in body


def test_metrics_table_heads_name_each_index_not_your_settings(built, html) -> None:
    import re

    for lang in ("en", "zh"):
        table = html[lang].split('class="data metrics"')[1].split("</thead>")[0]
        heads = re.findall(r'<th class="num">([^<]*)</th>', table)
        names = [s.name_zh if lang == "zh" and s.name_zh else s.name for s in built.results.indexes]
        assert heads[: len(names)] == [n.replace("&", "&amp;") for n in names], heads
        assert len(heads) == len(names) + len(built.results.benchmarks)
        assert "Your settings" not in html[lang] and "当前设置" not in html[lang]


def test_monte_carlo_probability_label_sits_above_the_bars(built) -> None:
    """The P(target) label is placed in paper coordinates above the plot area (never
    at a data y, where the highest bars would run through it), in both languages."""
    model = built.results.model("nvda-5t")
    prob = f"{model.monte_carlo.probability * 100:.1f}%"
    for t in (EN, ZH):
        fig = charts.monte_carlo(model, t)
        labels = [a for a in fig.layout.annotations if prob in str(a.text)]
        assert len(labels) == 1, [a.text for a in fig.layout.annotations]
        (label,) = labels
        assert label.yref == "paper" and label.y >= 1.0 and label.yanchor == "bottom"
        assert fig.layout.margin.t >= 40  # room for it above the plot


def test_kpi_bars_sit_on_every_calendar_quarter_once(built) -> None:
    """Each growth series is drawn on consecutive calendar quarters (the quarter of the
    period end), a quarter without data an empty slot, and no slot holds two bars: a
    series that also has fiscal-year rows (Microsoft's and Alphabet's SEC 10-K figures)
    draws its quarters only. Expected quarters come from ``period_end`` with pandas."""
    import pandas as pd

    events = built.results.kpi.events
    mixed = 0
    for key, table in built.results.kpi.growth.items():
        quarterly = table[table["fiscal_period"].astype(str).str.contains("Q")]
        mixed += len(quarterly) < len(table)
        want = [str(pd.Period(d, freq="Q")) for d in quarterly["period_end"]]
        fig = charts.kpi_series(table, events, EN)
        bars = fig.data[0]
        assert list(bars.x) == want, key
        assert len(set(bars.x)) == len(bars.x), f"{key}: two bars in one quarter"
        axis = list(fig.layout.xaxis.categoryarray)
        span = pd.period_range(min(want), max(want), freq="Q")
        assert axis == [str(q) for q in span], key
        missing = set(axis) - set(want)
        notes = [a for a in fig.layout.annotations if a.text == "no data"]
        assert {a.x for a in notes} == missing, key
    assert mixed >= 1  # the sample has a series with fiscal years among its quarters
    assert any(
        len(pd.period_range(t["period_end"].min(), t["period_end"].max(), freq="Q")) > len(t)
        for t in built.results.kpi.growth.values()
        if not t["fiscal_period"].astype(str).str.contains("FY").any()
    )  # ... and one with quarters missing (Alibaba: 2024Q2 and Q3)


def test_exposure_buckets_end_together_and_the_note_says_when(built, html) -> None:
    study = built.results.exposure
    ends = {str(res.dates[-1])[:10] for res in study.indexes.values()}
    assert len(ends) == 1
    (end,) = ends
    fig = charts.exposure(study, EN)
    assert {str(tr.x[-1])[:10] for tr in fig.data[1:]} == {end}
    assert f"to {end}, the last date all buckets share" in html["en"]
    assert f"至 {end}（各组共同的最后日期）" in html["zh"]


def _event_notes(fig):
    """The event labels of a KPI figure (the 'no data' marks have no box)."""
    return [a for a in fig.layout.annotations if a.bgcolor]


def _quarterly(table):
    return table[table["fiscal_period"].astype(str).str.contains("Q")]


def test_event_labels_sit_above_the_bars_and_neighbours_never_overlap(built) -> None:
    """One label per period with events, above the plot area; labels of neighbouring
    quarters are in different rows, and two labels of one row do not overlap on a
    480 px plot (widths estimated here at 6 px per Latin and 10 px per CJK character
    plus padding, independently of the chart's own estimate)."""
    events = built.results.kpi.events
    checked = 0
    for lang, t in (("en", EN), ("zh", ZH)):
        for key, table in built.results.kpi.growth.items():
            q = _quarterly(table)
            fig = charts.kpi_series(table, events, t)
            notes = _event_notes(fig)
            n_axis = len(fig.layout.xaxis.categoryarray)
            with_events = [
                str(pd.Period(d, freq="Q"))
                for d, e in zip(q["period_end"], q["events"], strict=True)
                if isinstance(e, str) and e.strip()
            ]
            axis = list(fig.layout.xaxis.categoryarray)
            assert sorted(a.x for a in notes) == sorted(axis.index(x) for x in with_events), key
            assert len(fig.layout.shapes) == len(notes)  # a dotted line per label
            for a in notes:
                assert a.yref == "paper" and a.y == 1.0 and a.yanchor == "bottom", key
            extents = []
            for a in notes:
                w = sum(10 if ord(c) >= 0x2E80 else 6 for c in a.text) + 6
                at = (a.x + 0.5) * 480 / n_axis
                left = {"center": at - w / 2, "right": at - w, "left": at}[a.xanchor or "center"]
                extents.append((a.yshift, left, left + w, a.x))
            for i, (row, lo, hi, x) in enumerate(extents):
                for row2, lo2, hi2, x2 in extents[i + 1 :]:
                    if abs(x - x2) <= 1:
                        assert row != row2, f"{lang} {key}: neighbouring labels in one row"
                    if row == row2:
                        assert hi <= lo2 or hi2 <= lo, f"{lang} {key}: labels overlap"
                    checked += 1
            rows = len({a.yshift for a in notes})
            assert fig.layout.margin.t >= 30 + 20 * rows - 1  # the rows fit above the plot
    assert checked >= 6
    ms = charts.kpi_series(built.results.kpi.growth["microsoft/capex"], events, EN)
    # 2024Q4, 2025Q1 and 2025Q2 each have an event: three different rows
    shifts = {a.text: a.yshift for a in _event_notes(ms)}
    near = [shifts["Q4'24 GPU stockpiling"], shifts["DeepSeek-R1"], shifts["H20 export ban"]]
    assert len(set(near)) == 3


def test_event_lines_start_above_their_bar_and_its_label(built) -> None:
    events = built.results.kpi.events
    for table in built.results.kpi.growth.values():
        fig = charts.kpi_series(table, events, EN)
        bars = fig.data[0]
        axis = list(fig.layout.xaxis.categoryarray)
        heights = dict(zip((axis.index(x) for x in bars.x), bars.y, strict=True))
        for line in fig.layout.shapes:
            assert line.x0 == line.x1 and line.yref == "y"
            assert line.y0 > heights[line.x0]
            assert line.y1 == pytest.approx(fig.layout.yaxis.range[1])


def test_a_long_series_labels_only_its_latest_bar_and_keeps_qoq_yoy_in_the_hover(built) -> None:
    events = built.results.kpi.events
    table = built.results.kpi.growth["microsoft/capex"]
    q = _quarterly(table)
    assert len(q) > 8
    bars = charts.kpi_series(table, events, EN).data[0]
    assert list(bars.text[:-1]) == [""] * (len(q) - 1)
    assert bars.text[-1] == EN.shown(q["value"].iloc[-1], "USD_bn")[0]
    hover = [c[1] for c in bars.customdata]
    for h, qoq, yoy in zip(hover, q["qoq"], q["yoy"], strict=True):
        assert ("QoQ " + EN.pct(qoq, signed=True) in h) == bool(pd.notna(qoq))
        assert ("YoY " + EN.pct(yoy, signed=True) in h) == bool(pd.notna(yoy))
    # the threshold: eight bars keep all three lines, nine do not
    eight = charts.kpi_series(q.iloc[-8:], events, EN).data[0]
    assert all("QoQ" in s for s in eight.text)
    nine = charts.kpi_series(q.iloc[-9:], events, EN).data[0]
    assert sum(bool(s) for s in nine.text) == 1


def test_group_bars_label_a_short_history_and_keep_a_long_one_in_the_hover(built) -> None:
    aggs = built.results.kpi.aggregates
    short = aggs["china_cloud/capex"].dropna(subset=["value"])
    bars = charts.kpi_group(short, EN).data[0]
    assert len(short) <= 8
    assert [s.split("<br>")[0] for s in bars.text] == [
        EN.shown(v, "RMB_100M")[0] for v in short["value"]
    ]
    assert all("only 2 members reported" in s for s in bars.text)
    long = aggs["us_hyperscalers/capex"].dropna(subset=["value"])
    bars = charts.kpi_group(long, EN).data[0]
    assert len(long) > 8 and not bars.text
    for hover, v, n, present in zip(
        bars.customdata, long["value"], long["n_members"], long["members_present"], strict=True
    ):
        assert hover.startswith(EN.shown(v, "USD")[0] + "<br>only " + str(n))
        assert present in hover


def test_group_axes_read_plain_numbers_in_the_readers_unit(built) -> None:
    """The hyperscalers' aggregate is summed in whole dollars: its axis reads $bn in
    English (value / 1e9, as the members' series charts) and 亿美元 in Chinese (value /
    1e8), with plain tick figures (no SI suffix such as ``80B``); the Chinese groups'
    亿元 (RMB_100M) read RMB bn (x 0.1) in English and 亿元 unchanged in Chinese."""
    aggs = built.results.kpi.aggregates
    usd = aggs["us_hyperscalers/capex"].dropna(subset=["value"])
    rmb = aggs["china_cloud/capex"].dropna(subset=["value"])
    assert set(usd["unit"]) == {"USD"} and set(rmb["unit"]) == {"RMB_100M"}
    cases = (
        (usd, EN, "$bn", 1e-9),
        (usd, ZH, "亿美元", 1e-8),
        (rmb, EN, "RMB bn", 0.1),
        (rmb, ZH, "亿元", 1.0),
    )
    for table, t, title, scale in cases:
        fig = charts.kpi_group(table, t)
        axis = fig.layout.yaxis
        assert axis.title.text == title, (t.lang, axis.title.text)
        assert np.allclose(fig.data[0].y, table["value"].to_numpy() * scale)
        assert axis.exponentformat == "none"
        assert axis.tickformat and axis.tickformat[-1] not in "sSeE", axis.tickformat  # no SI
        assert np.isclose(axis.range[1], table["value"].max() * scale * 1.3)
    # the figures still reach tens (not 0.0x): a readable axis, like the series charts
    assert 10 < usd["value"].max() * 1e-9 < 1000
    # the series charts' axes read plain figures as well
    series = charts.kpi_series(built.results.kpi.growth["microsoft/capex"], pd.DataFrame(), ZH)
    assert series.layout.yaxis.exponentformat == "none"
    assert series.layout.yaxis.title.text == ZH.unit("USD_bn")


def test_chinese_dollar_axes_read_yi_meiyuan_in_plain_numbers(built) -> None:
    """USD_bn in Chinese is 亿美元 (x 10), as the articles write dollars; the value axes
    of the tornado and the Monte Carlo histogram never use an SI suffix (40k)."""
    model = built.results.model("nvda-5t")
    mc, tor = model.monte_carlo, model.tornado
    assert mc.unit == "USD_bn"
    zh_mc, en_mc = charts.monte_carlo(model, ZH), charts.monte_carlo(model, EN)
    assert np.allclose(zh_mc.data[0].x, np.asarray(en_mc.data[0].x) * 10)
    assert "亿美元" in zh_mc.layout.xaxis.title.text and "十亿" not in zh_mc.layout.xaxis.title.text
    lines = [s.x0 for s in zh_mc.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert 50_000.0 in lines  # the $5,000bn target, in 亿美元
    assert "P(market_cap ≥ 5 万亿美元)" in " ".join(a.text for a in zh_mc.layout.annotations)
    zh_tor = charts.tornado(model, ZH)
    low = zh_tor.data[0]
    assert low.base == pytest.approx(tor.base * 10, rel=1e-12)
    for fig in (zh_mc, zh_tor):
        assert fig.layout.xaxis.exponentformat == "none"
        assert fig.layout.xaxis.tickformat == ",~r"
