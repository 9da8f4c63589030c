"""Lines that the charts draw on top of each other (QQQ and NDX track the same index) are
named in a note under the levels and rolling-return charts, in both languages."""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from aithesis.report.context import overlap_notes
from aithesis.report.i18n import Translator

EN, ZH = Translator("en"), Translator("zh")


def _notes(html: str) -> list[str]:
    return re.findall(r'<p class="note overlap">(.*?)</p>', html, re.S)


def test_qqq_and_ndx_are_named_with_their_correlation(built, html) -> None:
    results = built.results
    qqq, ndx = results.benchmarks["QQQ"].returns, results.benchmarks["NDX"].returns
    common = qqq.index.intersection(ndx.index)
    corr = np.corrcoef(qqq[common], ndx[common])[0, 1]
    assert corr > 0.999  # the ETF and the index it tracks
    for lang, t in (("en", EN), ("zh", ZH)):
        notes = _notes(html[lang])
        assert len(notes) == 2, notes  # under the levels chart and the rolling chart
        for note in notes:
            assert t.company_ticker("QQQ") in note and t.company_ticker("NDX") in note
            assert f"{corr:.4f}" in note
            assert "SPY" not in note  # SPY correlates 0.95 with NDX: its line stands apart
            assert not any(t.index_name(s) in note for s in results.indexes)


def test_the_thresholds_cut_both_ways(built) -> None:
    results = built.results
    qqq, spy = results.benchmarks["QQQ"], results.benchmarks["SPY"]
    twin = dataclasses.replace(results, benchmarks={"QQQ": qqq, "SPY": qqq})
    (note,) = overlap_notes(dataclasses.replace(twin, indexes=[]), EN)
    assert "correlate 1.0000" in note and "more than 0.0%" in note
    apart = dataclasses.replace(results, indexes=[], benchmarks={"QQQ": qqq, "SPY": spy})
    assert overlap_notes(apart, EN) == []
