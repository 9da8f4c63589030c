"""The report's tear-sheet sections hold the numbers they claim, checked independently.

Every expectation is computed here with pandas straight from the index levels, weights
and prices of the built agix project (not with aithesis' analytics): the monthly heatmap
(months and the year column) against calendar months and years of the levels, the
rolling charts against ``pandas.rolling`` (std x sqrt(252), cov / var, mean / std), the
stacked weights against the weights table grouped by theme, and the turnover bars
against ``sum|target - drifted| / 2`` rebuilt from the weights and prices. The data are
read back out of the rendered HTML (the Plotly JSON of each figure, the ``data-value``
of each heatmap cell).
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from tests.report.test_zh_text import PROPER, _company_words, english_words

LANGS = ("en", "zh")
WINDOW = 126  # the window the charts state (trading days)
CJK = re.compile(r"[\u4e00-\u9fff]")


def figure(html: str, div_id: str) -> tuple[list[dict], dict]:
    """``(traces, layout)`` of the Plotly figure drawn into ``div_id``."""
    at = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', html)
    assert at, f"no figure {div_id}"
    decoder = json.JSONDecoder()
    traces, end = decoder.raw_decode(html, at.end())
    layout, _ = decoder.raw_decode(html, html.index("{", end))
    return traces, layout


def values(v: object) -> np.ndarray:
    """A trace array: a JSON list or Plotly's typed array ``{"dtype", "bdata"}``."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def pandas_returns(levels: pd.Series) -> pd.Series:
    return levels.pct_change().iloc[1:]


def pandas_year_returns(levels: pd.Series) -> pd.Series:
    """Each calendar year's return: last level of the year over the last level of the
    year before (the first year from the base level; the base date itself starts the
    index, so a period holding only the base date has no return)."""
    after = levels.iloc[1:]
    ends = after.groupby(after.index.year).last()
    starts = ends.shift(1)
    starts.iloc[0] = levels.iloc[0]
    return ends / starts - 1.0


def pandas_month_returns(levels: pd.Series) -> pd.Series:
    """As :func:`pandas_year_returns`, per (year, month)."""
    after = levels.iloc[1:]
    ends = after.groupby([after.index.year, after.index.month]).last()
    starts = ends.shift(1)
    starts.iloc[0] = levels.iloc[0]
    return ends / starts - 1.0


def test_heatmap_months_compound_to_the_calendar_years_shown(built, pages) -> None:
    for section in built.results.indexes:
        levels = section.result.levels
        years = pandas_year_returns(levels)
        months = pandas_month_returns(levels)
        assert len(years) == 5 and len(months) >= 40  # Dec 2022 .. May 2026
        for lang in LANGS:
            shown = pages[lang].values
            cells = {
                k: float(v) for k, v in shown.items() if k.startswith(f"monthly.{section.key}.")
            }
            assert len(cells) == len(months) + len(years)  # blank months carry no value
            for (year, month), expected in months.items():
                got = cells[f"monthly.{section.key}.{year}.{month}"]
                assert got == pytest.approx(expected, abs=1e-12)
            for year, expected in years.items():
                row = [cells.get(f"monthly.{section.key}.{year}.{m}") for m in range(1, 13)]
                compounded = np.prod([1.0 + v for v in row if v is not None]) - 1.0
                assert compounded == pytest.approx(expected, abs=1e-12)
                # the year column is the calendar table's value, which is the same return
                total = cells[f"monthly.{section.key}.{year}.year"]
                assert total == pytest.approx(expected, abs=1e-12)
                assert total == float(section.calendar.loc[year])


def test_heatmap_marks_the_partial_years_and_colours_gains_and_losses(built, html) -> None:
    first = built.results.indexes[0]
    for lang, mark in (("en", "partial"), ("zh", "不足一年")):
        section = html[lang].split('<section id="monthly">')[1].split("</section>")[0]
        partial = re.findall(r'<tr class="partial"><th scope="row">([^<]*)</th>', section)
        assert len(partial) == 2 * len(built.results.indexes)  # 2022 from Nov 30, 2026 to May
        assert all(mark in label for label in partial)
        assert "2022" in partial[0] and "2026" in partial[1]
        # a loss is red-tinted, a gain green-tinted (colours of plotstyle.POS / NEG)
        dec22 = re.search(
            rf'data-key="monthly\.{first.key}\.2022\.12" data-value="([^"]+)" '
            r'style="background: rgba\((\d+), (\d+), (\d+)',
            section,
        )
        assert dec22 and float(dec22.group(1)) < 0 and int(dec22.group(2)) > int(dec22.group(3))
        jan23 = re.search(
            rf'data-key="monthly\.{first.key}\.2023\.1" data-value="([^"]+)" '
            r'style="background: rgba\((\d+), (\d+), (\d+)',
            section,
        )
        assert jan23 and float(jan23.group(1)) > 0 and int(jan23.group(3)) > int(jan23.group(2))
    assert '<th class="num">1月</th>' in html["zh"] and '<th class="num">Jan</th>' in html["en"]


def _series(built) -> dict[str, pd.Series]:
    out = {s.name: s.result.levels for s in built.results.indexes}
    out.update({k: b.levels for k, b in built.results.benchmarks.items()})
    return out


def test_rolling_volatility_equals_pandas_rolling_std(built, html) -> None:
    levels = _series(built)
    traces, layout = figure(html["en"], "fig-rolling-vol")
    assert len(traces) == len(levels)
    for trace, (_name, lv) in zip(traces, levels.items(), strict=True):
        expected = (pandas_returns(lv).rolling(WINDOW).std() * np.sqrt(252)).dropna()
        np.testing.assert_allclose(values(trace["y"]), expected.to_numpy(), rtol=1e-10)
        assert trace["x"] == [d.strftime("%Y-%m-%d") for d in expected.index]
    assert "126" in layout["title"]["text"]
    assert "%" in layout["yaxis"]["title"]["text"]


def test_rolling_beta_against_the_first_benchmark_equals_pandas_cov_over_var(built, html) -> None:
    ticker, bench = next(iter(built.results.benchmarks.items()))
    traces, layout = figure(html["en"], "fig-rolling-beta")
    assert [t["name"] for t in traces] == [s.name for s in built.results.indexes]
    for trace, section in zip(traces, built.results.indexes, strict=True):
        lv = section.result.levels
        b = bench.levels.reindex(bench.levels.index.union(lv.index)).ffill().reindex(lv.index)
        r, rb = pandas_returns(lv), pandas_returns(b)
        expected = (r.rolling(WINDOW).cov(rb) / rb.rolling(WINDOW).var()).dropna()
        np.testing.assert_allclose(values(trace["y"]), expected.to_numpy(), rtol=1e-9)
    assert ticker in layout["title"]["text"] and "126" in layout["title"]["text"]
    assert "×" in layout["yaxis"]["title"]["text"]


def test_rolling_sharpe_equals_pandas_mean_over_std(built, html) -> None:
    rf = built.results.risk_free
    assert rf == built.project.config.risk_free
    traces, layout = figure(html["en"], "fig-rolling-sharpe")
    for trace, (_name, lv) in zip(traces, _series(built).items(), strict=True):
        excess = pandas_returns(lv) - ((1.0 + rf) ** (1 / 252) - 1.0)
        roll = excess.rolling(WINDOW)
        expected = (roll.mean() / roll.std() * np.sqrt(252)).dropna()
        np.testing.assert_allclose(values(trace["y"]), expected.to_numpy(), rtol=1e-9)
    assert "126" in layout["title"]["text"]


def test_weights_stack_themes_for_many_names_and_constituents_for_few(built, html) -> None:
    for i, section in enumerate(built.results.indexes):
        res = section.result
        weights = res.weights.fillna(0.0)
        weights = weights.loc[:, (weights > 0).any()]
        traces, layout = figure(html["en"], f"fig-weights-{i}")
        assert all(t["stackgroup"] == "weights" for t in traces)
        if weights.shape[1] > 10:  # agix: 18 names -> themes
            theme = dict(zip(res.tickers, res.themes, strict=True))
            expected = weights.T.groupby([theme[c] for c in weights.columns]).sum().T
            assert len(traces) == expected.shape[1] == 5
            assert "theme" in layout["title"]["text"]
        else:  # ai-infra: 8 names, one band each
            expected = weights
            assert len(traces) == weights.shape[1] == 8
        got = pd.DataFrame({t["name"]: values(t["y"]) for t in traces}, index=res.index)
        assert np.allclose(np.sort(got.sum(axis=1)), np.sort(expected.sum(axis=1)), atol=1e-12)
        for column in expected.columns:  # each band is one theme's (or stock's) weight
            matches = [n for n in got.columns if np.allclose(got[n], expected[column], atol=1e-12)]
            assert len(matches) == 1, column
        assert np.all(got.sum(axis=1) <= 1.0 + 1e-9)


def test_turnover_bars_equal_the_trades_rebuilt_from_weights_and_prices(built, html) -> None:
    for i, section in enumerate(built.results.indexes):
        res = section.result
        w = res.weights.fillna(0.0).to_numpy()
        p = pd.DataFrame(res.prices).ffill().to_numpy()
        rows = list(res.rebalance_rows[1:])  # the launch purchase is not a turnover
        expected = []
        for r in rows:
            growth = np.where(w[r - 1] > 0, p[r] / p[r - 1], 0.0)
            drifted = w[r - 1] * growth / np.sum(w[r - 1] * growth)
            expected.append(0.5 * np.abs(w[r] - drifted).sum())
        traces, layout = figure(html["en"], f"fig-turnover-{i}")
        bars = traces[0]
        assert bars["type"] == "bar"
        assert bars["x"] == [str(d)[:10] for d in res.dates[rows]]
        np.testing.assert_allclose(values(bars["y"]), expected, atol=1e-9)
        avg = section.metrics["avg_turnover_per_rebalance"]
        assert avg == pytest.approx(np.mean(expected), abs=1e-9)
        assert any(s.get("y0") == avg for s in layout["shapes"])


def _figure_texts(traces: list[dict], layout: dict) -> list[str]:
    texts = [t.get("name", "") for t in traces]
    texts += [layout.get("title", {}).get("text", "")]
    texts += [layout.get(a, {}).get("title", {}).get("text", "") for a in ("xaxis", "yaxis")]
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    return [t for t in texts if t]


def test_zh_tearsheet_figures_are_labelled_in_chinese(built, html) -> None:
    ids = ["fig-rolling-vol", "fig-rolling-beta", "fig-rolling-sharpe"]
    ids += [
        f"fig-{k}-{i}" for i in range(len(built.results.indexes)) for k in ("weights", "turnover")
    ]
    allowed = PROPER | _company_words()
    for div in ids:
        traces, layout = figure(html["zh"], div)
        texts = _figure_texts(traces, layout)
        title = layout["title"]["text"]
        assert CJK.search(title) and CJK.search(layout["yaxis"]["title"]["text"]), div
        assert not english_words("\n".join(texts), allowed), (div, texts)
        _en_traces, en_layout = figure(html["en"], div)
        assert en_layout["title"]["text"] != title
        assert not CJK.search(en_layout["title"]["text"])


def test_a_buy_and_hold_index_shows_no_turnover_bars_but_says_why(built) -> None:
    from dataclasses import replace

    from aithesis.report import charts_analytics as ca
    from aithesis.report.i18n import Translator

    res = built.results.indexes[0].result
    held = replace(res, rebalance_rows=res.rebalance_rows[:1], turnover=np.zeros_like(res.turnover))
    for lang in LANGS:
        fig = ca.turnover_bars(held, Translator(lang), 0.0)
        assert len(fig.data) == 0
        assert [a.text for a in fig.layout.annotations] == [Translator(lang)("ts.no_trades")]


def test_without_a_benchmark_the_risk_section_has_no_beta_and_says_so(built) -> None:
    from dataclasses import replace

    from aithesis.report.context_tearsheet import tearsheet_view
    from aithesis.report.i18n import Translator

    alone = replace(built.results, benchmarks={})
    for lang in LANGS:
        view = tearsheet_view(alone, Translator(lang), str)
        assert view["fig_beta"] is None and view["bench"] == ""
        assert "fig-rolling-vol" in view["fig_vol"] and "fig-rolling-sharpe" in view["fig_sharpe"]
        assert len(view["indexes"]) == len(built.results.indexes)
