"""Every metric equals empyrical and/or quantstats on the same real series, to 1e-9.

Series: the ai-infra index (built from the real sample prices, 2022-11-30 on) and SPY's
total-return series over the same dates. Which oracle each metric is checked against:

- total return: empyrical.cum_returns_final, quantstats.stats.comp
- annualised return: empyrical.annual_return, quantstats.stats.cagr
- volatility: empyrical.annual_volatility, quantstats.stats.volatility
- Sharpe (rf 4%/yr): empyrical.sharpe_ratio(risk_free=rf_p), quantstats.stats.sharpe(rf=0.04)
- Sortino (rf 4%/yr): empyrical.sortino_ratio(required_return=rf_p),
  quantstats.stats.sortino(rf=0.04)
- max drawdown depth: empyrical.max_drawdown, quantstats.stats.max_drawdown
- drawdown peak / trough / recovery: quantstats.stats.drawdown_details (start - 1 row,
  valley, end + 1 row)
- Calmar: empyrical.calmar_ratio, quantstats.stats.calmar
- beta: empyrical.beta, quantstats.stats.greeks()["beta"]
- alpha (rf 4%/yr): empyrical.alpha(risk_free=rf_p), compounded; quantstats.greeks' alpha
  is mean x 252, a different definition, not used
- tracking error: empyrical.annual_volatility(r - b) (neither library ships it)
- information ratio: quantstats.stats.information_ratio x sqrt(252) and
  empyrical.excess_sharpe x sqrt(252) (both libraries report it per period)
- up / down capture: empyrical.up_capture / empyrical.down_capture
- rolling volatility / Sharpe / beta / max drawdown: empyrical.roll_annual_volatility /
  roll_sharpe_ratio / roll_beta / roll_max_drawdown
- calendar-year returns: empyrical.aggregate_returns(r, "yearly")
- de-annualised rf: quantstats.utils.to_excess_returns(r, rf, 252)

rf_p = (1.04) ** (1 / 252) - 1, quantstats' de-annualisation, passed to empyrical.
"""

from __future__ import annotations

import warnings

import empyrical as ep
import numpy as np
import pandas as pd
import pytest
import quantstats as qs

from aithesis import analytics as an
from aithesis.index import build_benchmark, build_index
from aithesis.universe import Universe

warnings.filterwarnings("ignore")
RF = 0.04
RF_P = (1 + RF) ** (1 / 252) - 1
REL = 1e-9


@pytest.fixture(scope="module")
def series(sample_store):
    spy = build_benchmark("SPY", sample_store, start="2022-11-30")
    # SPY's file ends 2026-05-29, VST/ETN/EQT's later: compare over SPY's window
    end = spy.levels.index[-1]
    index = build_index("ai-infra", sample_store, end=end, universe=Universe(()))
    assert (spy.levels.index == index.levels.index).all()
    r = index.returns
    b = spy.returns
    return index, r, b


def test_total_and_annualised_return(series):
    index, r, _ = series
    x = r.to_numpy()
    assert an.compound(x) == pytest.approx(ep.cum_returns_final(r), rel=REL)
    assert an.compound(x) == pytest.approx(qs.stats.comp(r), rel=REL)
    assert an.compound(x) == pytest.approx(index.total_return, rel=REL)
    assert an.annualised_return(x) == pytest.approx(ep.annual_return(r), rel=REL)
    assert an.annualised_return(x) == pytest.approx(qs.stats.cagr(r), rel=REL)


def test_volatility_sharpe_sortino(series):
    _, r, _ = series
    x = r.to_numpy()
    assert an.volatility(x) == pytest.approx(ep.annual_volatility(r), rel=REL)
    assert an.volatility(x) == pytest.approx(qs.stats.volatility(r), rel=REL)
    assert an.sharpe_ratio(x, RF) == pytest.approx(ep.sharpe_ratio(r, risk_free=RF_P), rel=REL)
    assert an.sharpe_ratio(x, RF) == pytest.approx(qs.stats.sharpe(r, rf=RF), rel=REL)
    assert an.sharpe_ratio(x) == pytest.approx(ep.sharpe_ratio(r), rel=REL)
    assert an.sortino_ratio(x, RF) == pytest.approx(
        ep.sortino_ratio(r, required_return=RF_P), rel=REL
    )
    assert an.sortino_ratio(x, RF) == pytest.approx(qs.stats.sortino(r, rf=RF), rel=REL)


def test_max_drawdown_depth_and_dates(series):
    index, r, _ = series
    dd = an.max_drawdown(index.level_values)
    assert dd.depth == pytest.approx(ep.max_drawdown(r), rel=REL)
    assert dd.depth == pytest.approx(qs.stats.max_drawdown(r), rel=REL)
    details = qs.stats.drawdown_details(qs.stats.to_drawdown_series(r))
    worst = details.loc[details["max drawdown"].idxmin()]
    dates = index.levels.index
    assert dd.depth * 100 == pytest.approx(worst["max drawdown"], rel=REL)
    assert dates[dd.peak + 1] == pd.Timestamp(worst["start"])
    assert dates[dd.trough] == pd.Timestamp(worst["valley"])
    assert dates[dd.recovery - 1] == pd.Timestamp(worst["end"])


def test_calmar(series):
    _, r, _ = series
    x = r.to_numpy()
    assert an.calmar_ratio(x) == pytest.approx(ep.calmar_ratio(r), rel=REL)
    assert an.calmar_ratio(x) == pytest.approx(qs.stats.calmar(r), rel=REL)


def test_beta_alpha(series):
    _, r, b = series
    x, y = r.to_numpy(), b.to_numpy()
    assert an.beta(x, y) == pytest.approx(ep.beta(r, b), rel=REL)
    assert an.beta(x, y) == pytest.approx(qs.stats.greeks(r, b)["beta"], rel=REL)
    assert an.alpha(x, y, RF) == pytest.approx(ep.alpha(r, b, risk_free=RF_P), rel=REL)
    assert an.alpha(x, y) == pytest.approx(ep.alpha(r, b), rel=REL)


def test_tracking_error_and_information_ratio(series):
    _, r, b = series
    x, y = r.to_numpy(), b.to_numpy()
    assert an.tracking_error(x, y) == pytest.approx(ep.annual_volatility(r - b), rel=REL)
    ir = an.information_ratio(x, y)
    assert ir == pytest.approx(qs.stats.information_ratio(r, b) * np.sqrt(252), rel=REL)
    assert ir == pytest.approx(ep.excess_sharpe(r, b) * np.sqrt(252), rel=REL)


def test_up_and_down_capture(series):
    _, r, b = series
    x, y = r.to_numpy(), b.to_numpy()
    assert an.up_capture(x, y) == pytest.approx(ep.up_capture(r, b), rel=REL)
    assert an.down_capture(x, y) == pytest.approx(ep.down_capture(r, b), rel=REL)


def test_rolling_metrics(series):
    _, r, b = series
    x, y, w = r.to_numpy(), b.to_numpy(), 63
    assert an.rolling_volatility(x, w) == pytest.approx(ep.roll_annual_volatility(x, w), rel=REL)
    assert an.rolling_sharpe(x, w, RF) == pytest.approx(
        ep.roll_sharpe_ratio(x, w, risk_free=RF_P), rel=REL
    )
    assert an.rolling_beta(x, y, w) == pytest.approx(np.asarray(ep.roll_beta(x, y, w)), rel=REL)
    assert an.rolling_max_drawdown(x, w) == pytest.approx(ep.roll_max_drawdown(x, w), rel=REL)
    assert an.rolling_return(x, w)[0] == pytest.approx(np.prod(1 + x[:w]) - 1, rel=REL)


def test_calendar_year_table(series):
    index, r, _ = series
    years, values = an.calendar_year_returns(index.dates[1:], r.to_numpy())
    expected = ep.aggregate_returns(r, "yearly")
    assert years.tolist() == list(expected.index)
    assert values == pytest.approx(expected.to_numpy(), rel=REL)
    assert index.calendar_years().to_numpy() == pytest.approx(expected.to_numpy(), rel=REL)


def test_rf_per_period_matches_quantstats():
    from quantstats.utils import to_excess_returns

    r = pd.Series([0.01, -0.02, 0.005], index=pd.date_range("2024-01-02", periods=3))
    assert (r - an.rf_per_period(RF)).to_numpy() == pytest.approx(
        to_excess_returns(r, RF, 252).to_numpy(), rel=1e-12
    )


def test_metrics_dict_uses_the_same_functions(series, sample_store):
    index, r, b = series
    spy = build_benchmark("SPY", sample_store, start="2022-11-30")
    m = index.metrics(benchmark=spy, rf=RF)
    assert m["sharpe"] == pytest.approx(qs.stats.sharpe(r, rf=RF), rel=REL)
    assert m["beta"] == pytest.approx(ep.beta(r, b), rel=REL)
    assert m["max_drawdown"] == pytest.approx(ep.max_drawdown(r), rel=REL)
    assert m["up_capture"] == pytest.approx(ep.up_capture(r, b), rel=REL)
