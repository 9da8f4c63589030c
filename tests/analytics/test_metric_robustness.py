"""Every metric on hostile inputs: a finite number, NaN or an AithesisError, nothing else.

Random return arrays (length 0-3 mostly, up to 40) mixing NaN, zeros, constants and
extreme daily returns (-0.99 .. 10) go through every catalogue metric (via
:class:`MetricInputs`, with and without a benchmark, with NaN levels) and every array
function of :mod:`aithesis.analytics`. A ratio never exceeds 1e12 in size (the
division-by-rounding-noise failure: a constant series' Sharpe was ~1e17). Calmar divides
an *annualised* return, which daily returns of +1000% legitimately make astronomically
large, so its bound is 1e12 x max(1, |annualised return|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aithesis import analytics as an
from aithesis.analytics.catalogue import CATALOGUE, MetricInputs
from aithesis.errors import AithesisError

BOUND = 1e12
_value = st.one_of(
    st.floats(-0.99, 10.0, allow_nan=False),
    st.just(float("nan")),
    st.just(0.0),
    st.sampled_from([1e-300, -1e-300, 1e-15, 0.01, -0.5, -0.99, 10.0]),
)


@st.composite
def returns(draw: st.DrawFn, n: int | None = None) -> np.ndarray:
    size = draw(st.one_of(st.integers(0, 3), st.integers(4, 40))) if n is None else n
    if draw(st.booleans()) and size:
        return np.full(size, draw(_value))  # a constant (or all-NaN, all-zero) series
    return np.array(draw(st.lists(_value, min_size=size, max_size=size)), dtype=float)


def _ok(value: object, *, ratio: bool, scale: float = 1.0) -> None:
    if value is None or isinstance(value, str):
        return
    assert isinstance(value, int | float | np.floating | np.integer), type(value)
    x = float(value)
    assert math.isnan(x) or math.isfinite(x), x
    if ratio and math.isfinite(x):
        assert abs(x) <= BOUND * max(1.0, abs(scale)), x


def _days(n: int) -> tuple[str, ...]:
    start = np.datetime64("2024-01-01")
    return tuple(str(start + i) for i in range(n))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_catalogue_metric_is_finite_nan_or_an_aithesis_error(data: st.DataObject) -> None:
    r = data.draw(returns())
    b = data.draw(returns(r.size))
    levels = 100 * an.levels_from_returns(r)
    bench = 100 * an.levels_from_returns(b) if data.draw(st.booleans()) else None
    if data.draw(st.booleans()) and levels.size > 1:  # a missing level
        levels[data.draw(st.integers(1, levels.size - 1))] = np.nan
    x = MetricInputs(levels, _days(levels.size), benchmark=bench)
    for m in CATALOGUE:
        if m.benchmark and bench is None:
            continue
        try:
            value = m.compute(x)
        except AithesisError:
            continue
        scale = an.annualised_return(x.returns) if m.name == "calmar" else 1.0
        _ok(value, ratio=m.format == "ratio", scale=scale)


_SINGLE = {
    "compound": an.compound,
    "annualised_return": an.annualised_return,
    "volatility": an.volatility,
    "sharpe": an.sharpe_ratio,
    "sortino": an.sortino_ratio,
    "omega": an.omega_ratio,
    "var_historical": an.var_historical,
    "cvar_historical": an.cvar_historical,
    "var_gaussian": an.var_gaussian,
    "cvar_gaussian": an.cvar_gaussian,
    "tail_ratio": an.tail_ratio,
    "skew": an.skew,
    "kurtosis": an.kurtosis,
    "win_rate": an.win_rate,
}
_RATIOS = {"sharpe", "sortino", "beta", "information_ratio", "up_capture", "down_capture"}
_RATIOS |= {"omega", "tail_ratio", "skew", "kurtosis"}
_PAIRED = {
    "beta": an.beta,
    "alpha": an.alpha,
    "tracking_error": an.tracking_error,
    "information_ratio": an.information_ratio,
    "up_capture": an.up_capture,
    "down_capture": an.down_capture,
}
_ROLLING = {
    "rolling_volatility": an.rolling_volatility,
    "rolling_sharpe": an.rolling_sharpe,
    "rolling_max_drawdown": an.rolling_max_drawdown,
    "rolling_return": an.rolling_return,
}


@settings(max_examples=300, deadline=None)
@given(r=returns(), data=st.data())
def test_every_array_function_is_finite_nan_or_an_aithesis_error(
    r: np.ndarray, data: st.DataObject
) -> None:
    b = data.draw(returns(r.size))
    calls = [(k, lambda f=f: f(r)) for k, f in _SINGLE.items()]
    calls += [(k, lambda f=f: f(r, b)) for k, f in _PAIRED.items()]
    calls.append(("calmar", lambda: an.calmar_ratio(r)))
    window = data.draw(st.integers(-1, 5))
    calls += [(k, lambda f=f: f(r, window)) for k, f in _ROLLING.items()]
    calls.append(("rolling_beta", lambda: an.rolling_beta(r, b, window)))
    calls.append(("max_drawdown", lambda: an.max_drawdown(100 * an.levels_from_returns(r)).depth))
    calls.append(("levels", lambda: an.levels_from_returns(r)))
    d = np.datetime64("2024-01-30") + np.arange(r.size) * 3  # across month and year ends
    for p in ("day", "month", "year"):
        calls.append(("best", lambda p=p: an.best(d, r, p)))
        calls.append(("worst", lambda p=p: an.worst(d, r, p)))
    calls.append(("avg_up_month", lambda: an.avg_up_month(d, r)))
    calls.append(("avg_down_month", lambda: an.avg_down_month(d, r)))
    calls.append(("monthly_table", lambda: an.monthly_returns_table(d, r)[1].ravel()))
    lv = 100 * an.levels_from_returns(r)
    dl = np.concatenate(([d[0] - 1], d)) if r.size else np.array([], "datetime64[D]")
    if r.size:
        calls.append(("longest_dd", lambda: an.longest_drawdown_days(dl, lv)))
        calls.append(("recovery", lambda: an.recovery_days(dl, lv)))
    for name, call in calls:
        try:
            out = call()
        except AithesisError:
            continue
        scale = an.annualised_return(r) if name == "calmar" else 1.0
        for v in np.atleast_1d(out):
            ratio = name in _RATIOS or name == "calmar" or name == "rolling_sharpe"
            _ok(v, ratio=ratio, scale=scale)


def test_named_edge_cases_of_the_issue() -> None:
    const = np.full(252, 0.001)  # np.std leaves ~2e-19 of residue here
    assert np.std(const, ddof=1) != 0
    assert math.isnan(an.sharpe_ratio(const))
    assert math.isnan(an.information_ratio(const + 0.002, const))
    assert np.isnan(an.rolling_sharpe(const, 10)).all()
    assert math.isnan(an.max_drawdown(np.array([])).depth)
    assert math.isnan(an.compound(np.array([])))  # as empyrical.cum_returns_final([])
    # a leading NaN (pct_change) is dropped, not propagated
    r = np.array([np.nan, 0.01, -0.02, 0.03])
    assert an.sharpe_ratio(r) == pytest.approx(an.sharpe_ratio(r[1:]), rel=1e-15)
    assert an.volatility(r) == pytest.approx(an.volatility(r[1:]), rel=1e-15)
    assert an.levels_from_returns(r)[-1] == pytest.approx(1 + an.compound(r[1:]))
    dd = an.max_drawdown(np.array([1.0, np.nan, 0.5, 2.0]))
    assert (dd.depth, dd.peak, dd.trough, dd.recovery) == (-0.5, 0, 2, 3)
    # total return below -100% over a fractional year: NaN, not a complex-number TypeError
    assert math.isnan(an.annualised_return(np.array([-1.5, 0.1, 0.1])))
    assert math.isnan(an.calmar_ratio(np.array([-1.5, 0.1, 0.1])))
    assert math.isnan(an.up_capture(np.array([-1.5, 0.1]), np.array([0.1, 0.2])))
    for bad in (np.array([1.0, -2.0, 3.0]), np.array([0.0, 1.0])):
        with pytest.raises(AithesisError) as info:
            an.max_drawdown(bad)
        assert info.value.field == "levels"
    with pytest.raises(AithesisError) as info:
        an.rolling_volatility(const, 253)
    assert info.value.field == "window"
    with pytest.raises(AithesisError) as info:
        an.beta(const, const[:3])
    assert info.value.field == "benchmark"
    assert math.isnan(an.volatility(np.array([0.01]))) and math.isnan(an.sharpe_ratio([0.1]))


@pytest.mark.parametrize("tiny", [8.42987608e-154, 1e-160, 5e-324])
def test_shape_of_returns_whose_moments_underflow_is_nan(tiny: float) -> None:
    """m2 squared underflows to 0 (found by the fuzz above with seed 11): NaN, not a
    ZeroDivisionError."""
    r = np.array([0.0, 0.0, 0.0, tiny])
    assert math.isnan(an.kurtosis(r)) and math.isnan(an.skew(r))
    x = np.array([0.01, -0.02, 0.03, 0.0, 0.05])  # an ordinary series still has a shape
    assert math.isfinite(an.kurtosis(x)) and math.isfinite(an.skew(x))
