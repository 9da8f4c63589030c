"""The metric catalogue and the one number formatter every shell uses."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from aithesis import numfmt
from aithesis.analytics import risk
from aithesis.analytics.catalogue import (
    CATALOGUE,
    MetricInputs,
    compute_metrics,
    dashboard_metrics,
    get_metric,
    label_entries,
    report_metrics,
    sweep_metrics,
)
from aithesis.errors import SpecError
from aithesis.report.i18n import load_catalogue

LEVELS = np.array([100.0, 110.0, 99.0, 121.0, 108.9])
DAYS = ("2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08")


def test_every_entry_is_complete_and_named_once() -> None:
    names = [m.name for m in CATALOGUE]
    assert len(names) == len(set(names))
    for m in CATALOGUE:
        assert m.en.strip() and m.zh.strip() and m.label_key == f"metric.{m.name}"
        assert m.format in ("date", "count", "percent", "ratio")
        if m.format in ("date", "count"):
            assert m.higher_is_better is None and m.sweep is False
        if m.short is not None:
            assert m.sweep


def test_metrics_follow_the_catalogue_and_hand_computed_values() -> None:
    out = compute_metrics(MetricInputs(LEVELS, DAYS))
    assert list(out) == [m.name for m in CATALOGUE if not m.benchmark]
    r = np.array([0.1, -0.1, 121 / 99 - 1, -0.1])
    assert out["total_return"] == pytest.approx(0.089)
    assert out["days"] == 4 and out["start"] == DAYS[0] and out["end"] == DAYS[-1]
    assert out["volatility"] == pytest.approx(np.std(r, ddof=1) * math.sqrt(252))
    # peak 110 on day 1, trough 99 on day 2 (-10%), recovered on day 3 at 121
    assert out["max_drawdown"] == pytest.approx(-0.1)
    assert (out["max_drawdown_peak"], out["max_drawdown_trough"]) == (DAYS[1], DAYS[2])
    assert out["max_drawdown_recovery"] == DAYS[3]
    assert out["avg_turnover_per_rebalance"] == 0.0 and out["total_costs"] == 0.0


def test_relative_metrics_only_with_a_benchmark() -> None:
    bench = np.array([100.0, 105.0, 100.0, 110.0, 104.5])
    out = compute_metrics(MetricInputs(LEVELS, DAYS, benchmark=bench))
    relative = [m.name for m in CATALOGUE if m.benchmark]
    assert set(relative) <= set(out) and "beta" in relative
    r, b = np.diff(LEVELS) / LEVELS[:-1], np.diff(bench) / bench[:-1]
    assert out["beta"] == pytest.approx(risk.beta(r, b))
    assert out["benchmark_total_return"] == pytest.approx(0.045)
    assert out["excess_annualised_return"] == pytest.approx(
        (1.089) ** (252 / 4) - (1.045) ** (252 / 4)
    )


def test_turnover_and_costs_of_an_index() -> None:
    turnover = np.array([1.0, 0.0, 0.3, 0.0, 0.1])
    x = MetricInputs(
        LEVELS, DAYS, turnover=turnover, rebalance_rows=np.array([0, 2, 4]), cost_points=0.5
    )
    out = compute_metrics(x)
    assert out["avg_turnover_per_rebalance"] == pytest.approx(0.2)  # rows 2 and 4
    assert out["total_costs"] == pytest.approx(0.005)


def test_views_are_derived_from_the_entries() -> None:
    assert [m.name for m in report_metrics()][:4] == [
        "start",
        "end",
        "total_return",
        "annualised_return",
    ]
    assert [m.name for m in dashboard_metrics()][-1] == "end"
    assert "sharpe" in sweep_metrics(benchmark=False)
    assert "beta" in sweep_metrics(benchmark=True)
    assert not set(sweep_metrics(benchmark=True)) & set(sweep_metrics(benchmark=False))


def test_unknown_metric_is_a_spec_error_listing_the_known_ones() -> None:
    with pytest.raises(SpecError) as info:
        get_metric("sharp")
    assert "sharpe" in str(info.value)


def test_labels_reach_the_report_catalogue_and_cannot_be_redefined(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    for key, labels in label_entries().items():
        assert catalogue[key] == labels
    clash = tmp_path / "messages.yaml"
    clash.write_text("metric.sharpe: {en: Sharpe, zh: 夏普}\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_catalogue(clash)
    assert info.value.field == "metric.sharpe"


@pytest.mark.parametrize(
    ("value", "kwargs", "shown"),
    [
        (4.796, {"signed": True}, "+479.6%"),
        (-0.22542879622344614, {"signed": True}, "-22.5%"),
        (0.0123, {"digits": 2}, "1.23%"),
        (12.3456, {"grouping": True}, "1,234.6%"),
        (12.3456, {}, "1234.6%"),
        (None, {"missing": "—"}, "—"),
        (float("nan"), {}, "-"),
        (float("inf"), {"missing": "–"}, "–"),
    ],
)
def test_percent_formats(value: float | None, kwargs: dict, shown: str) -> None:
    assert numfmt.percent(value, **kwargs) == shown


def test_percent_matches_pythons_percent_format() -> None:
    rng = np.random.default_rng(1)
    for x in rng.normal(0, 3, 2000):
        assert numfmt.percent(x, signed=True) == f"{x:+.1%}"
        assert numfmt.percent(x, 2) == f"{x:.2%}"


def test_fixed_and_count() -> None:
    assert numfmt.fixed(1.2345) == "1.23" and numfmt.fixed(1234.5, 1, grouping=True) == "1,234.5"
    assert numfmt.fixed("x") == "-" and numfmt.count(1234) == "1,234"
    assert numfmt.count(1234, grouping=False) == "1234"


# ---- the Ulcer index: one function in risk.py plus one catalogue entry -------------------
def test_ulcer_index_by_hand_on_five_levels() -> None:
    # drawdowns from the running peak: 0, 0, 99/110-1 = -0.1, 0, 108.9/121-1 = -0.1
    expected = math.sqrt((0.1**2 + 0.1**2) / 5)
    assert risk.ulcer_index(LEVELS) == pytest.approx(expected, rel=1e-12)
    assert compute_metrics(MetricInputs(LEVELS, DAYS))["ulcer_index"] == pytest.approx(expected)
    assert risk.ulcer_index(np.array([1.0, 2.0, 3.0])) == 0.0  # never below a peak
    assert risk.ulcer_index(np.array([100.0, 50.0])) == pytest.approx(math.sqrt(0.25 / 2))


def test_ulcer_index_agrees_with_quantstats_up_to_its_divisor() -> None:
    qs = pytest.importorskip("quantstats")
    import pandas as pd

    rng = np.random.default_rng(7)
    r = rng.normal(0.0005, 0.02, 500)
    r[0] = 0.01  # quantstats anchors the base as we do; keep the first day a gain anyway
    levels = 100 * np.concatenate(([1.0], np.cumprod(1 + r)))
    theirs = qs.stats.ulcer_index(pd.Series(r, index=pd.bdate_range("2020-01-02", periods=500)))
    ours = risk.ulcer_index(levels)
    # same sum of squared drawdowns; quantstats divides by n - 1 returns, we by n + 1 levels
    assert ours**2 * levels.size == pytest.approx(theirs**2 * (r.size - 1), rel=1e-9)


def test_ulcer_index_is_shown_everywhere_from_its_entry() -> None:
    m = get_metric("ulcer_index")
    assert m.format == "percent" and not m.signed and m.higher_is_better is False
    assert m in report_metrics() and m in dashboard_metrics()
    assert "ulcer_index" in sweep_metrics(benchmark=False)
    assert load_catalogue()["metric.ulcer_index"] == {"en": "Ulcer index", "zh": "溃疡指数"}


def test_the_shells_format_the_ulcer_index_from_its_entry() -> None:
    from aithesis.app.fmt import fmt_metric
    from aithesis.app.page_index import _TABLE
    from aithesis.cli.index import _fmt
    from aithesis.cli.sweep import _INDEX_SHOWN, _PERCENT

    assert "ulcer_index" in _TABLE and fmt_metric("ulcer_index", 0.08279) == "8.3%"
    assert _fmt("ulcer_index", 0.08279) == "8.28%"  # a size: no sign
    assert _fmt("total_return", 4.7965) == "+479.65%"
    assert "ulcer_index" in _INDEX_SHOWN and {"ulcer_index", "ulcer"} <= _PERCENT
