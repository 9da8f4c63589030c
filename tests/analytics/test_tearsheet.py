"""The tear-sheet metrics equal quantstats / empyrical to 1e-9 and reach every shell.

Series: 800 business days of seeded normal returns (fat left tail added), dated from
2021-01-04, and the same with NaN on some days. Oracles per metric:

- omega: empyrical.omega_ratio, quantstats.stats.omega
- VaR historical: empyrical.value_at_risk(cutoff=0.05); Gaussian: quantstats.stats.var
- CVaR historical: quantstats.stats.cvar(method="historical"); Gaussian: quantstats.stats.cvar
  (empyrical.conditional_value_at_risk averages the k smallest returns instead: compared
  only approximately)
- tail ratio: empyrical.tail_ratio, quantstats.stats.tail_ratio
- skew / kurtosis: quantstats.stats.skew / kurtosis (pandas' bias-adjusted G1 / G2)
- best/worst day, month, year: quantstats.stats.best / worst(aggregate=None / "ME" /
  "year"); quantstats' aggregate="month" groups by month of the year *across* years (all
  Januaries together), not by calendar month: asserted to differ
- win rate: quantstats.stats.win_rate; average up/down month: quantstats.stats.avg_win /
  avg_loss(aggregate="ME")
- longest drawdown: max of quantstats.stats.drawdown_details(...)["days"]
- monthly table: quantstats.stats.monthly_returns (and our calendar-year returns, 1e-12)
"""

from __future__ import annotations

import math
import warnings

import empyrical as ep
import numpy as np
import pandas as pd
import pytest
import quantstats as qs

from aithesis import analytics as an
from aithesis.analytics import periods, tail
from aithesis.analytics.catalogue import (
    MetricInputs,
    compute_metrics,
    dashboard_metrics,
    get_metric,
    report_metrics,
)
from aithesis.analytics.tearsheet import TEAR_SHEET
from aithesis.report.i18n import load_catalogue

warnings.filterwarnings("ignore")
REL = 1e-9


@pytest.fixture(scope="module")
def series() -> pd.Series:
    rng = np.random.default_rng(11)
    r = rng.normal(0.0004, 0.012, 800)
    r[rng.choice(800, 20, replace=False)] -= 0.05
    r[rng.choice(800, 30, replace=False)] = 0.0
    return pd.Series(r, index=pd.bdate_range("2021-01-04", periods=800))


def _x(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    return s.index.to_numpy().astype("datetime64[D]"), s.to_numpy()


def test_distribution_metrics_equal_the_peers(series: pd.Series) -> None:
    _, r = _x(series)
    assert tail.omega_ratio(r) == pytest.approx(ep.omega_ratio(series), rel=REL)
    assert tail.omega_ratio(r) == pytest.approx(qs.stats.omega(series), rel=REL)
    assert tail.omega_ratio(r, 0.05) == pytest.approx(
        ep.omega_ratio(series, required_return=0.05), rel=REL
    )
    assert tail.var_historical(r) == pytest.approx(ep.value_at_risk(series, 0.05), rel=REL)
    assert tail.var_gaussian(r) == pytest.approx(qs.stats.var(series), rel=REL)
    assert tail.cvar_gaussian(r) == pytest.approx(qs.stats.cvar(series), rel=REL)
    assert tail.cvar_historical(r) == pytest.approx(
        qs.stats.cvar(series, method="historical"), rel=REL
    )
    # empyrical's CVaR: the mean of the int((n-1)*0.05)+1 = 40 smallest returns
    assert tail.cvar_historical(r) == pytest.approx(ep.conditional_value_at_risk(series), rel=0.02)
    assert np.sort(r)[:40].mean() == pytest.approx(ep.conditional_value_at_risk(series), rel=REL)
    assert tail.tail_ratio(r) == pytest.approx(ep.tail_ratio(series), rel=REL)
    assert tail.tail_ratio(r) == pytest.approx(qs.stats.tail_ratio(series), rel=REL)
    assert tail.skew(r) == pytest.approx(qs.stats.skew(series), rel=REL)
    assert tail.kurtosis(r) == pytest.approx(qs.stats.kurtosis(series), rel=REL)
    assert tail.skew(r) < -1 and tail.kurtosis(r) > 3  # the fat left tail shows


def test_calendar_metrics_equal_quantstats(series: pd.Series) -> None:
    d, r = _x(series)
    for ours, aggregate in (("day", None), ("month", "ME"), ("year", "year")):
        assert periods.best(d, r, ours) == pytest.approx(
            qs.stats.best(series, aggregate=aggregate), rel=REL
        )
        assert periods.worst(d, r, ours) == pytest.approx(
            qs.stats.worst(series, aggregate=aggregate), rel=REL
        )
    pooled = qs.stats.best(series, aggregate="month")  # Januaries 2021-2024 compounded
    assert pooled != pytest.approx(periods.best(d, r, "month"), rel=1e-6)
    assert periods.win_rate(r) == pytest.approx(qs.stats.win_rate(series), rel=REL)
    assert periods.avg_up_month(d, r) == pytest.approx(
        qs.stats.avg_win(series, aggregate="ME"), rel=REL
    )
    assert periods.avg_down_month(d, r) == pytest.approx(
        qs.stats.avg_loss(series, aggregate="ME"), rel=REL
    )


def test_drawdown_durations(series: pd.Series) -> None:
    d, r = _x(series)
    levels = an.levels_from_returns(r)
    dates = np.concatenate(([d[0] - 3], d))  # the base close, the Friday before
    details = qs.stats.drawdown_details(qs.stats.to_drawdown_series(series))
    assert periods.longest_drawdown_days(dates, levels) == int(details["days"].max())
    dd = an.max_drawdown(levels)
    if dd.recovery is None:
        assert periods.recovery_days(dates, levels) is None
    else:
        expected = int((dates[dd.recovery] - dates[dd.trough]).astype(int))
        assert periods.recovery_days(dates, levels) == expected
    # by hand: peak Mon, under water Tue..Thu, back Fri: 3 days under water, 2 to recover
    days = np.array(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    lv = np.array([100.0, 95.0, 90.0, 99.0, 101.0])
    assert periods.longest_drawdown_days(days, lv) == 3
    assert periods.recovery_days(days, lv) == 2
    assert periods.recovery_days(days[:4], lv[:4]) is None
    assert periods.longest_drawdown_days(days[:4], lv[:4]) == 3  # still open: to the end
    assert periods.longest_drawdown_days(days[:3], np.array([1.0, 2.0, 3.0])) == 0


def test_monthly_table_compounds_to_the_calendar_years(series: pd.Series) -> None:
    d, r = _x(series)
    r = r.copy()
    r[100:130] = np.nan  # a gap of missing days
    years, table = periods.monthly_returns_table(d, r)
    cal_years, cal = an.calendar_year_returns(d, r)
    assert years.tolist() == cal_years.tolist() == [2021, 2022, 2023, 2024]
    rows = np.prod(1 + np.nan_to_num(table), axis=1) - 1
    np.testing.assert_allclose(rows, cal, rtol=0, atol=1e-12)
    theirs = qs.stats.monthly_returns(pd.Series(r, index=series.index).dropna(), eoy=False)
    np.testing.assert_allclose(
        np.nan_to_num(table[:, :]), theirs.to_numpy(dtype=float), rtol=0, atol=1e-12
    )
    assert np.isnan(table[-1, -1])  # 800 business days end in Jan 2024
    assert periods.monthly_returns_table(d[:0], r[:0])[1].shape == (0, 12)


def test_tear_sheet_entries_reach_the_catalogue_shells_and_both_languages() -> None:
    labels = load_catalogue()
    report, dashboard = report_metrics(), dashboard_metrics()
    for m in TEAR_SHEET:
        assert get_metric(m.name) is m
        assert labels[m.label_key] == {"en": m.en, "zh": m.zh}
        assert m in report
    assert {"omega", "var_historical", "cvar_historical", "tail_ratio"} <= {
        m.name for m in dashboard
    }
    assert dashboard[-1].name == "end"


def test_catalogue_values_equal_the_functions() -> None:
    levels = np.array([100.0, 95.0, 90.0, 99.0, 101.0, 104.0])
    days = ("2024-01-31", "2024-02-01", "2024-02-02", "2024-03-01", "2024-03-04", "2025-01-02")
    out = compute_metrics(MetricInputs(levels, days))
    r = levels[1:] / levels[:-1] - 1
    assert out["best_day"] == pytest.approx(r.max()) and out["worst_day"] == pytest.approx(
        90 / 95 - 1
    )
    # Feb: 95/100 * 90/95 = -10%; Mar: 101/90 - 1; 2025-01: 104/101 - 1
    assert out["worst_month"] == pytest.approx(-0.10)
    assert out["best_month"] == pytest.approx(101 / 90 - 1)
    assert out["best_year"] == pytest.approx(104 / 101 - 1)
    assert out["worst_year"] == pytest.approx(1.01 - 1)
    assert out["win_rate"] == pytest.approx(3 / 5)
    assert out["avg_down_month"] == pytest.approx(-0.10)
    assert out["avg_up_month"] == pytest.approx((101 / 90 - 1 + 104 / 101 - 1) / 2)
    assert out["longest_drawdown_days"] == 30  # 2024-02-01 .. 2024-03-01
    assert out["recovery_days"] == 31  # trough 2024-02-02 .. 2024-03-04
    assert math.isnan(out["tail_ratio"]) or out["tail_ratio"] > 0
