"""Figures that round to zero print as zero: no ``-0.00`` rank correlation, no
``-0.0%`` return (seen in the report's Monte Carlo variance table)."""

from __future__ import annotations

import pytest

from aithesis import numfmt
from aithesis.report.i18n import Translator


@pytest.mark.parametrize("x", [-0.0004, -0.0, -1e-12])
def test_fixed_has_no_negative_zero(x: float) -> None:
    assert numfmt.fixed(x) == "0.00"
    assert numfmt.fixed(x, 1, grouping=True) == "0.0"


def test_fixed_keeps_real_negatives_and_grouping() -> None:
    assert numfmt.fixed(-0.006) == "-0.01"
    assert numfmt.fixed(-1234.5, grouping=True) == "-1,234.50"


@pytest.mark.parametrize("x", [-0.00001, -0.0])
def test_percent_has_no_negative_zero(x: float) -> None:
    assert numfmt.percent(x) == "0.0%"
    assert numfmt.percent(x, signed=True) == "+0.0%"
    assert numfmt.percent(-0.01, signed=True) == "-1.0%"


def test_the_report_ratio_goes_through_it() -> None:
    for lang in ("en", "zh"):
        assert Translator(lang).ratio(-0.0004) == "0.00"
        assert Translator(lang).pct(-0.00001, signed=True) == "+0.0%"
