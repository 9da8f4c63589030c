"""Benchmarks are told apart on the line charts and the calendar table marks part years.

Issue 17: QQQ and NDX overlapped as grey dashed lines; every benchmark now has its own
(colour, dash) and is named at its line's end in its colour, on the report's level and
rolling charts and on the dashboard's line charts, in English and Chinese. The calendar
table's first row (the window starts on the last day of November 2022) was one month
labelled as a year; years the window does not cover end to end are marked partial.
Expected years and ends are read from the built index dates, not from the report code.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from aithesis.app import charts as app_charts
from aithesis.report import charts
from aithesis.report.i18n import Translator

LANGS = ("en", "zh")
PARTIAL = {"en": "partial", "zh": "不足一年"}


def _end_annotations(fig) -> dict[str, tuple[float, str]]:
    """Direct labels at the right edge: {text: (y, colour)}."""
    out = {}
    for a in fig.layout.annotations:
        if a.xref == "paper" and a.x == 1.0:
            assert a.text not in out, f"two labels {a.text!r}"
            out[a.text] = (float(a.y), a.font.color)
    return out


def _check_lines(fig, bench_names: list[str], log: bool = False) -> None:
    traces = {tr.name: tr for tr in fig.data}
    assert set(bench_names) <= set(traces), (bench_names, list(traces))
    styles = [(traces[n].line.color, traces[n].line.dash) for n in bench_names]
    assert len(set(styles)) == len(styles), f"benchmarks share a style: {styles}"
    colours = [c for c, _ in styles]
    assert len(set(colours)) == len(colours), f"benchmarks share a colour: {colours}"
    assert all(d not in (None, "solid") for _, d in styles)
    labels = _end_annotations(fig)
    for name in bench_names:
        assert name in labels, f"no end label for {name}: {sorted(labels)}"
        y, colour = labels[name]
        last = float(traces[name].y[-1])
        assert y == pytest.approx(np.log10(last) if log else last, rel=1e-9)
        assert colour == traces[name].line.color


@pytest.mark.parametrize("lang", LANGS)
def test_report_level_and_rolling_charts_name_each_benchmark_in_its_own_style(built, lang) -> None:
    t = Translator(lang)
    results = built.results
    assert len(results.benchmarks) >= 2
    names = [t.company_ticker(k) for k in results.benchmarks]
    for ticker, name in zip(results.benchmarks, names, strict=True):
        assert ticker in name or lang == "zh"
    for fig in (charts.index_levels(results, t), charts.rolling_returns(results, t)):
        _check_lines(fig, names)
        # the labels sit in the right margin, which is wide enough for them
        assert fig.layout.margin.r >= 120


@pytest.mark.parametrize("log", [False, True])
def test_dashboard_lines_name_each_benchmark_at_its_end(built, log) -> None:
    results = built.results
    series = {s.result.name: s.result.levels for s in results.indexes}
    bench = {k: b.levels for k, b in results.benchmarks.items()}
    fig = app_charts.lines_figure(series | bench, log=log, dashed=list(bench))
    _check_lines(fig, list(bench), log=log)
    # an index keeps a solid line of its own colour
    solid = [tr for tr in fig.data if tr.name in series]
    assert all(tr.line.dash is None for tr in solid)
    assert not {tr.line.color for tr in solid} & {fig.data[-1].line.color}


def _section(html: str, sid: str) -> str:
    at = html.index(f'<section id="{sid}"')
    return html[at : html.index("</section>", at)]


@pytest.mark.parametrize("lang", LANGS)
def test_calendar_rows_mark_the_years_the_window_covers_only_in_part(built, html, lang) -> None:
    dates = pd.DatetimeIndex(built.results.indexes[0].result.dates)
    first, last = dates[0], max(pd.Timestamp(s.metrics["end"]) for s in built.results.indexes)
    part = {first.year} if (first.month, first.day) > (1, 7) else set()
    if (last.month, last.day) < (12, 24):
        part.add(last.year)
    assert first.year in part  # the sample starts at the end of November 2022
    rows = re.findall(r'<tr[^>]*>\s*<th scope="row">([^<]*)</th>', _section(html[lang], "calendar"))
    labels = {int(r[:4]): r for r in rows}
    assert set(labels) >= set(range(first.year, last.year + 1))
    for year, label in labels.items():
        if year in part:
            assert PARTIAL[lang] in label and label != str(year), label
        else:
            assert label == str(year), label
    # the first row says from when: one month of 2022 is not read as the year
    start = Translator(lang).date(np.datetime64(first.date(), "D"))
    assert start in labels[first.year]
