"""Lines that the charts draw on top of each other (QQQ and NDX track the same index) are
named in a note under the levels and rolling-return charts, in both languages."""

from __future__ import annotations

import re

import numpy as np

from aithesis.report.i18n import Translator
from aithesis.report.overlap import overlap_notes

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
    qqq, spy = (built.results.benchmarks[k].levels for k in ("QQQ", "SPY"))
    (note,) = overlap_notes({"QQQ": qqq, "twice": qqq * 3.0}, EN)  # any base: rebased
    assert note.startswith("QQQ and twice move together")
    assert "correlate 1.0000" in note and "more than 0.0%" in note
    assert overlap_notes({"QQQ": qqq, "SPY": spy}, EN) == []  # correlate 0.95
    drift = qqq * np.exp(np.linspace(0.0, 0.2, len(qqq)))  # same moves, 22% apart at the end
    assert overlap_notes({"QQQ": qqq, "drift": drift}, EN) == []
    assert overlap_notes({"QQQ": qqq, "short": qqq.iloc[:10]}, EN) == []  # too few days
