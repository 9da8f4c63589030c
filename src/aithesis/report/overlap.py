"""Lines a chart draws on top of each other, named in a note (report and dashboard).

QQQ and NDX track the same index: rebased to the same start, their lines coincide and
one hides the other. Levels are index levels by date (any base); returns are simple and
daily; the gap is relative (``0.02`` is 2%).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aithesis.report.i18n import Translator

__all__ = ["OVERLAP_CORRELATION", "OVERLAP_GAP", "overlap_notes", "overlaps"]

OVERLAP_CORRELATION = 0.99
"""Daily-return correlation from which two lines are said to move together."""
OVERLAP_GAP = 0.05
"""Largest relative gap of two rebased levels for their lines to lie on top of each other."""
_MIN_DAYS = 20  # fewer common days say nothing about two lines


def overlaps(levels: Mapping[str, pd.Series]) -> list[tuple[str, str, float, float]]:
    """``(a, b, correlation, gap)`` for each pair of lines drawn on top of each other:
    over their common dates, daily returns correlate at least :data:`OVERLAP_CORRELATION`
    and the levels rebased at the first common date never differ by more than
    :data:`OVERLAP_GAP`."""
    items = list(levels.items())
    out = []
    for i, (a, la) in enumerate(items):
        for b, lb in items[i + 1 :]:
            both = pd.concat([la, lb], axis=1, join="inner").dropna()
            if len(both) <= _MIN_DAYS or not (both.to_numpy() > 0).all():
                continue
            values = both.to_numpy(dtype=float)
            returns = values[1:] / values[:-1] - 1
            if np.std(returns[:, 0]) == 0 or np.std(returns[:, 1]) == 0:
                continue
            corr = float(np.corrcoef(returns[:, 0], returns[:, 1])[0, 1])
            rebased = values / values[0]
            gap = float(np.max(np.abs(rebased[:, 0] / rebased[:, 1] - 1)))
            if corr >= OVERLAP_CORRELATION and gap <= OVERLAP_GAP:
                out.append((a, b, corr, gap))
    return out


def overlap_notes(levels: Mapping[str, pd.Series], t: Translator) -> list[str]:
    """One sentence per pair of :func:`overlaps` (label -> levels by date), in the
    reader's language."""
    return [
        t("indexes.overlap", a=a, b=b, corr=t.ratio(corr, 4), gap=t.pct(gap))
        for a, b, corr, gap in overlaps(levels)
    ]
