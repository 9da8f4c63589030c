"""Input/expected cases ported from the peers' own test suites, checked against aithesis.

Each case names the repository, the commit its test file was read at and the test. The
expected values are the peers' literals (not recomputed); where aithesis' convention
differs (NaN instead of inf for a constant series, NaN periods not counted, levels in
decimal, 252-day instead of calendar-year annualisation, annual instead of per-period
rates) the case asserts the difference explicitly, with the aithesis value derived by hand.

- empyrical-reloaded (stefan-jansen/empyrical-reloaded @ efe6066, ``tests/test_stats.py``
  with the series of ``tests/conftest.py``)
- ffn (pmorissette/ffn @ ed266d2, ``tests/test_core.py``, data ``tests/data/test_data.csv``)
- quantstats (ranaroussi/quantstats @ fbd10da, ``tests/test_stats.py``)
- bt (pmorissette/bt @ bd5650a, ``tests/test_core.py``): bt's statistics are ffn's
  (``bt.backtest.Result`` is an ``ffn.GroupStats``); its commission cases are in
  ``tests/index/test_costs_on_launch.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from aithesis import analytics as an
from aithesis.errors import DataError

EMP = "empyrical-reloaded@efe6066 tests/test_stats.py"
FFN = "ffn@ed266d2 tests/test_core.py"
QS = "quantstats@fbd10da tests/test_stats.py"
DP = 8  # empyrical's DECIMAL_PLACES
NAN = float("nan")

# tests/conftest.py of empyrical-reloaded, in decimal
S = {
    "empty_returns": np.array([]),
    "one_return": np.array([1.0]) / 100,
    "simple_benchmark": np.array([0.0, 1, 0, 1, 0, 1, 0, 1, 0]) / 100,
    "mixed_returns": np.array([np.nan, 1.0, 10, -4, 2, 3, 2, 1, -10]) / 100,
    "positive_returns": np.array([1.0, 2, 1, 1, 1, 1, 1, 1, 1]) / 100,
    "negative_returns": np.array([0.0, -6, -7, -1, -9, -2, -6, -8, -5]) / 100,
    "all_negative_returns": np.array([-2.0, -6, -7, -1, -9, -2, -6, -8, -5]) / 100,
    "weekly_returns": np.array([0.0, 1, 10, -4, 2, 3, 2, 1, -10]) / 100,
    "monthly_returns": np.array([0.0, 1, 10, -4, 2, 3, 2, 1, -10]) / 100,
    "udu_returns": np.array([10.0, -10, 10]) / 100,
    "flat_line_1": np.full(9, 0.01),
    "flat_line_1_tz": np.full(1000, 0.01),
    "flat_line_yearly": np.full(3, 0.03),
}
PERIODS = {"DAILY": 252, "WEEKLY": 52, "MONTHLY": 12, "YEARLY": 1}


def _same(ours: float, theirs: float, places: int = DP) -> None:
    if math.isnan(theirs):
        assert math.isnan(ours), ours
    else:
        np.testing.assert_almost_equal(ours, theirs, places)


def _levels(name: str) -> np.ndarray:
    return an.levels_from_returns(S[name])


# ---- empyrical: cum_returns_final ---------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty_returns", NAN),
        ("one_return", 0.01),
        ("mixed_returns", 0.03893),
        ("negative_returns", -0.36590),
    ],
)
def test_empyrical_cum_returns_final(name: str, expected: float) -> None:
    """EMP test_cum_returns_final (starting_value 0), to 4 places as there."""
    _same(an.compound(S[name]), expected, 4)


# ---- empyrical: max_drawdown --------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("one_return", 0.0),
        ("simple_benchmark", 0.0),
        ("mixed_returns", -0.1),
        ("positive_returns", -0.0),
        ("negative_returns", -0.36590730),
        ("all_negative_returns", -0.378589157),
        ("udu_returns", -0.10),
    ],
)
def test_empyrical_max_drawdown(name: str, expected: float) -> None:
    """EMP test_max_drawdown: the depth of the levels compounded from the returns."""
    _same(an.max_drawdown(_levels(name)).depth, expected)


def test_empyrical_max_drawdown_of_no_returns_is_a_convention_difference() -> None:
    """EMP test_max_drawdown ("empty_returns", nan): aithesis takes *levels*; no returns
    compound to the base level alone, a series with no fall (depth 0); no levels at all
    give NaN as empyrical's empty returns do."""
    assert an.max_drawdown(_levels("empty_returns")).depth == 0.0
    assert math.isnan(an.max_drawdown(np.array([])).depth)


# ---- empyrical: annual_return / cagr ------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "period", "expected"),
    [
        ("weekly_returns", "WEEKLY", 0.24690830513998208),
        ("monthly_returns", "MONTHLY", 0.052242061386048144),
        ("one_return", "DAILY", 11.274002099240244),
        ("flat_line_1_tz", "DAILY", 11.274002099240256),
        ("flat_line_yearly", "YEARLY", 0.03),
    ],
)
def test_empyrical_annual_return_and_cagr(name: str, period: str, expected: float) -> None:
    """EMP test_annual_ret and test_cagr."""
    _same(an.annualised_return(S[name], PERIODS[period]), expected)


def test_empyrical_annual_return_counts_the_nan_period_we_drop() -> None:
    """EMP test_annual_ret ("mixed_returns", DAILY, 1.9135925373194231): empyrical
    divides by all 9 periods, the leading NaN included; aithesis drops the NaN period
    (its NaN policy) and annualises over the 8 observed returns."""
    total = np.prod(1 + S["mixed_returns"][1:]) - 1
    theirs = 1.9135925373194231
    assert (1 + total) ** (252 / 9) - 1 == pytest.approx(theirs, rel=1e-12)
    assert an.annualised_return(S["mixed_returns"]) == pytest.approx(
        (1 + total) ** (252 / 8) - 1, rel=1e-12
    )
    # the same for Calmar (EMP test_calmar, mixed_returns: 19.135925373194233)
    assert an.calmar_ratio(S["mixed_returns"]) == pytest.approx(
        ((1 + total) ** (252 / 8) - 1) / 0.1, rel=1e-12
    )


# ---- empyrical: annual_volatility ---------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "period", "expected"),
    [
        ("flat_line_1_tz", "DAILY", 0.0),
        ("mixed_returns", "DAILY", 0.9136465399704637),
        ("weekly_returns", "WEEKLY", 0.38851569394870583),
        ("monthly_returns", "MONTHLY", 0.18663690238892558),
    ],
)
def test_empyrical_annual_volatility(name: str, period: str, expected: float) -> None:
    """EMP test_annual_volatility (the NaN of mixed_returns dropped, as there)."""
    _same(an.volatility(S[name], PERIODS[period]), expected)


# ---- empyrical: calmar_ratio --------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "period", "expected"),
    [
        ("empty_returns", "DAILY", NAN),
        ("one_return", "DAILY", NAN),
        ("weekly_returns", "WEEKLY", 2.4690830513998208),
        ("monthly_returns", "MONTHLY", 0.52242061386048144),
    ],
)
def test_empyrical_calmar(name: str, period: str, expected: float) -> None:
    """EMP test_calmar."""
    _same(an.calmar_ratio(S[name], PERIODS[period]), expected)


# ---- empyrical: sharpe_ratio --------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty_returns", NAN),
        ("one_return", NAN),
        ("mixed_returns", 1.7238613961706866),
        ("positive_returns", 52.915026221291804),
        ("negative_returns", -24.406808633910085),
    ],
)
def test_empyrical_sharpe_ratio(name: str, expected: float) -> None:
    """EMP test_sharpe_ratio (risk_free 0.0)."""
    _same(an.sharpe_ratio(S[name]), expected)


def test_empyrical_sharpe_of_a_flat_line_is_inf_there_nan_here() -> None:
    """EMP test_sharpe_ratio ("flat_line_1", 0.0, np.inf): a constant series has no
    dispersion; empyrical divides by std's rounding residue (inf, or ~1e17 when the
    residue is not exactly 0); aithesis gives NaN (sd <= 1e-10 x |mean|)."""
    import empyrical as ep

    assert math.isinf(ep.sharpe_ratio(S["flat_line_1"]))
    assert math.isnan(an.sharpe_ratio(S["flat_line_1"]))


def test_empyrical_sharpe_rate_is_per_period_there_annual_here() -> None:
    """EMP test_sharpe_ratio ("mixed_returns", "mixed_returns", nan): returns minus
    themselves do not vary; NaN here too. empyrical's ``risk_free`` is per period,
    aithesis' ``rf`` annual: rf = (1 + rf_p) ** 252 - 1 gives the same ratio."""
    r = S["mixed_returns"]
    assert math.isnan(an.sharpe_ratio(r - r))
    rf_p = 0.0001
    import empyrical as ep

    theirs = ep.sharpe_ratio(r, risk_free=rf_p)
    assert an.sharpe_ratio(r, rf=(1 + rf_p) ** 252 - 1) == pytest.approx(theirs, rel=1e-9)


# ---- empyrical: sortino_ratio -------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "period", "expected"),
    [
        ("empty_returns", "DAILY", NAN),
        ("one_return", "DAILY", NAN),
        ("mixed_returns", "DAILY", 2.605531251673693),
        ("negative_returns", "DAILY", -13.532743075043401),
        ("weekly_returns", "WEEKLY", 1.1158901056866439),
        ("monthly_returns", "MONTHLY", 0.53605626741889756),
    ],
)
def test_empyrical_sortino(name: str, period: str, expected: float) -> None:
    """EMP test_sortino (required_return 0.0)."""
    _same(an.sortino_ratio(S[name], 0.0, PERIODS[period]), expected)


@pytest.mark.parametrize("name", ["positive_returns", "simple_benchmark"])
def test_empyrical_sortino_without_downside_is_inf_there_nan_here(name: str) -> None:
    """EMP test_sortino (positive_returns / simple_benchmark, 0.0, np.inf): no period
    below the target; aithesis gives NaN (no downside deviation to divide by)."""
    assert math.isnan(an.sortino_ratio(S[name]))


# ---- empyrical: excess_sharpe (per period) = information ratio / sqrt(periods) -----------
@pytest.mark.parametrize(
    ("name", "bench", "expected"),
    [
        ("mixed_returns", 0.0, 0.10859306069076737),
        ("mixed_returns", "flat_line_1", -0.06515583641446039),
    ],
)
def test_empyrical_excess_sharpe(name: str, bench: object, expected: float) -> None:
    """EMP test_excess_sharpe: aithesis' information ratio is annualised (x sqrt(252))."""
    r = S[name]
    b = np.zeros_like(r) if bench == 0.0 else S[str(bench)]
    _same(an.information_ratio(r, b) / math.sqrt(252), expected)


# ---- empyrical: alpha / beta --------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "sign", "expected"),
    [("mixed_returns", 1, (0.0, 1.0)), ("mixed_returns", -1, (0.0, -1.0))],
)
def test_empyrical_alpha_beta(name: str, sign: int, expected: tuple[float, float]) -> None:
    """EMP test_alpha_beta (mixed vs mixed, mixed vs -mixed)."""
    r = S[name]
    _same(an.alpha(r, sign * r), expected[0])
    _same(an.beta(r, sign * r), expected[1])


def test_empyrical_alpha_beta_of_no_or_one_return_is_nan() -> None:
    """EMP test_alpha_beta (empty vs simple_benchmark, one vs one: (nan, nan)); aithesis
    refuses series of different lengths (empty vs 9) instead of aligning on dates."""
    assert math.isnan(an.beta(S["one_return"], S["one_return"]))
    assert math.isnan(an.alpha(S["one_return"], S["one_return"]))
    assert math.isnan(an.beta(np.array([]), np.array([])))
    with pytest.raises(DataError):
        an.beta(S["empty_returns"], S["simple_benchmark"])


@pytest.mark.parametrize(("scale", "sign", "expected"), [(1, 1, 1.0), (2, 1, 2.0), (1, -1, -1.0)])
def test_empyrical_beta_of_noise(scale: int, sign: int, expected: float) -> None:
    """EMP test_beta (noise vs noise 1.0, 2 * noise vs noise 2.0, noise vs inv_noise
    -1.0): noise = RandomState(1337).normal(0, 0.001, 1000) (conftest's first draw)."""
    noise = np.random.RandomState(1337).normal(0, 0.001, 1000)
    _same(an.beta(scale * noise, sign * noise), expected)


# ---- empyrical: capture ratios, rolling ---------------------------------------------------
@pytest.mark.parametrize(
    ("name", "bench", "expected"),
    [
        ("mixed_returns", "mixed_returns", 1.0),
        ("all_negative_returns", "mixed_returns", 0.99956025703798634),
        ("positive_returns", "mixed_returns", -11.27400221),
    ],
)
def test_empyrical_down_capture(name: str, bench: str, expected: float) -> None:
    """EMP test_down_capture."""
    _same(an.down_capture(S[name], S[bench]), expected)


def test_empyrical_up_capture_of_a_series_against_itself() -> None:
    """EMP test_up_capture-style (roll_up_capture mixed vs mixed: 1.0)."""
    _same(an.up_capture(S["mixed_returns"], S["mixed_returns"]), 1.0)


def test_empyrical_roll_max_drawdown() -> None:
    """EMP test_roll_max_drawdown (negative_returns, window 6), to 4 places as there."""
    out = an.rolling_max_drawdown(S["negative_returns"], 6)
    np.testing.assert_almost_equal(out, [-0.2282, -0.2745, -0.2899, -0.2747], 4)


# ---- ffn ----------------------------------------------------------------------------------
# tests/data/test_data.csv, first ten closes (2004-03-10 .. 2004-03-23)
AAPL = np.array([13.84, 13.575, 13.78, 13.225, 12.91, 13.095, 12.835, 12.93, 12.93, 12.645])
MSFT = np.array([25.37, 25.09, 25.38, 25.16, 25.18, 25.13, 24.89, 24.63, 24.5, 24.15])
C = np.array([492.1, 486.2, 493.1, 491.2, 499.9, 508.2, 512.8, 503.4, 496.1, 498.0])


@pytest.mark.parametrize(
    ("prices", "row", "expected"),
    [(AAPL, 1, -0.019), (AAPL, 9, -0.086), (MSFT, 1, -0.011), (MSFT, 9, -0.048)],
)
def test_ffn_to_drawdown_series(prices: np.ndarray, row: int, expected: float) -> None:
    """FFN test_to_drawdown_series_ts / _df, to 3 places as there."""
    dd = an.drawdown_series(prices)
    assert dd[0] == 0.0
    np.testing.assert_almost_equal(dd[row], expected, 3)


@pytest.mark.parametrize(("prices", "expected"), [(AAPL, -0.086), (MSFT, -0.048), (C, -0.033)])
def test_ffn_max_drawdown(prices: np.ndarray, expected: float) -> None:
    """FFN test_max_drawdown_ts / _df."""
    np.testing.assert_almost_equal(an.max_drawdown(prices).depth, expected, 3)


def test_ffn_cagr_uses_calendar_years_we_use_252_days() -> None:
    """FFN test_cagr_ts (AAPL's ten closes: -0.921): ffn annualises over the calendar
    year fraction (13 days / 365.25); aithesis over 9 returns / 252 trading days."""
    total = AAPL[-1] / AAPL[0] - 1
    assert (1 + total) ** (365.25 / 13) - 1 == pytest.approx(-0.921, abs=5e-4)
    ours = an.annualised_return(an.simple_returns(AAPL))
    assert ours == pytest.approx((1 + total) ** (252 / 9) - 1, rel=1e-12)
    assert ours != pytest.approx(-0.921, abs=5e-4)


def test_ffn_ulcer_index_is_in_percentage_points_ours_in_decimal() -> None:
    """FFN test_to_ulcer_index_is_in_percentage_points (100, 90, 100: sqrt(100 / 3)) and
    test_to_ulcer_index_without_drawdown_is_zero."""
    assert an.ulcer_index(np.array([100.0, 90.0, 100.0])) * 100 == pytest.approx(
        math.sqrt(100 / 3), rel=1e-12
    )
    assert an.ulcer_index(np.array([100.0, 101.0, 102.0, 103.0])) == 0.0


@pytest.mark.parametrize(
    "r", [[-0.10, 0.02, 0.01, 0.03], [0.02, 0.01, 0.03, -0.10]], ids=["first", "last"]
)
def test_ffn_sortino_is_order_invariant(r: list[float]) -> None:
    """FFN test_calc_sortino_ratio_is_order_invariant (annualize=False: -0.2) and
    test_calc_sortino_ratio_counts_first_period_downside."""
    assert an.sortino_ratio(np.array(r), periods=1) == pytest.approx(-0.2, rel=1e-12)


def test_ffn_sortino_and_sharpe_ignore_a_leading_nan() -> None:
    """FFN test_calc_sortino_ratio_ignores_leading_nan (to_returns() leads with NaN)."""
    r = np.concatenate(([np.nan], an.simple_returns(AAPL)))
    assert an.sortino_ratio(r) == an.sortino_ratio(r[1:])
    assert an.sharpe_ratio(r) == an.sharpe_ratio(r[1:])


def test_ffn_calc_sharpe() -> None:
    """FFN test_calc_sharpe: empty -> NaN; rf 5% over 252 periods de-annualised
    geometrically (ffn.deannualize) equals aithesis' rf convention."""
    assert math.isnan(an.sharpe_ratio(np.array([])))
    r = an.simple_returns(AAPL)
    ar = r - (1.05 ** (1 / 252) - 1)
    expected = ar.mean() / ar.std(ddof=1) * math.sqrt(252)
    assert an.sharpe_ratio(r, rf=0.05) == pytest.approx(expected, rel=1e-12)


def test_ffn_calmar_is_cagr_over_max_drawdown() -> None:
    """FFN test_calmar_ratio: calmar == cagr / |mdd| (each with its own cagr)."""
    r = an.simple_returns(C)
    expected = an.annualised_return(r) / abs(an.max_drawdown(C).depth)
    assert an.calmar_ratio(r) == pytest.approx(expected, rel=1e-12)


# ---- quantstats ---------------------------------------------------------------------------
@pytest.fixture
def qs_returns() -> np.ndarray:
    """QS sample_returns: np.random.seed(42); randn(500) * 0.02."""
    np.random.seed(42)
    return np.random.randn(500) * 0.02


def test_qs_max_drawdown_is_between_minus_one_and_zero(qs_returns: np.ndarray) -> None:
    """QS TestBasicStats.test_max_drawdown."""
    depth = an.max_drawdown(an.levels_from_returns(qs_returns)).depth
    assert -1 <= depth <= 0 and depth < -0.1


def test_qs_sharpe_with_rf_is_lower(qs_returns: np.ndarray) -> None:
    """QS TestRatios.test_sharpe_with_rf (rf 0.02 lowers the ratio) and
    test_sortino_vs_sharpe (they differ)."""
    assert an.sharpe_ratio(qs_returns, rf=0.02) < an.sharpe_ratio(qs_returns)
    assert an.sortino_ratio(qs_returns) != an.sharpe_ratio(qs_returns)


def test_qs_nan_handling(qs_returns: np.ndarray) -> None:
    """QS TestEdgeCases.test_nan_handling: NaN on rows 10..19, Sharpe still finite;
    aithesis equals the ratio of the returns without those rows."""
    r = qs_returns.copy()
    r[10:20] = np.nan
    assert math.isfinite(an.sharpe_ratio(r))
    assert an.sharpe_ratio(r) == pytest.approx(an.sharpe_ratio(np.delete(r, range(10, 20))))


def test_qs_single_and_empty_returns() -> None:
    """QS TestEdgeCases.test_single_return (comp of [0.01] finite) and test_empty_returns
    (quantstats raises on an empty Sharpe; aithesis returns NaN, its documented value)."""
    assert an.compound(np.array([0.01])) == pytest.approx(0.01)
    assert math.isnan(an.sharpe_ratio(np.array([])))


def test_qs_volatility_annualised_is_sqrt_periods(qs_returns: np.ndarray) -> None:
    """QS TestBasicStats.test_volatility_annualized (ratio sqrt(252))."""
    assert an.volatility(qs_returns) / an.volatility(qs_returns, periods=1) == pytest.approx(
        math.sqrt(252), rel=1e-12
    )


# ---- empyrical: omega, tail ratio, value at risk, CVaR (the tear-sheet metrics) ----------
def _annual(per_period: float) -> float:
    return (1 + per_period) ** 252 - 1


@pytest.mark.parametrize(
    ("name", "threshold", "expected"),
    [
        ("empty_returns", 0.0, NAN),
        ("one_return", 0.0, NAN),
        ("mixed_returns", 10.0, 0.83354263497557934),
        ("mixed_returns", _annual(0.01), 0.8125),
        ("positive_returns", _annual(0.01), NAN),
        ("positive_returns", _annual(0.011), 1.125),
        ("positive_returns", _annual(0.02), 0.0),
        ("negative_returns", _annual(0.01), 0.0),
    ],
)
def test_empyrical_omega(name: str, threshold: float, expected: float) -> None:
    """EMP test_omega. empyrical adds a per-period ``risk_free`` (0.01, 0.011, 0.02 or
    the flat_line_1 series of 0.01) to the annual ``required_return``; aithesis has one
    annual ``threshold``, so the per-period rate enters as ``(1 + rf_p) ** 252 - 1``."""
    _same(an.omega_ratio(S[name], threshold), expected)


def test_empyrical_omega_threshold_at_or_below_minus_100_percent_is_nan() -> None:
    """EMP test_omega ("mixed_returns", 0.0, -10.0, nan): a required return <= -100%."""
    assert math.isnan(an.omega_ratio(S["mixed_returns"], -10.0))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("empty_returns", NAN), ("one_return", 1.0), ("mixed_returns", 0.9473684210526313)],
)
def test_empyrical_tail_ratio(name: str, expected: float) -> None:
    """EMP test_tail_ratio, to 1 decimal place as there (its literal for mixed_returns,
    18/19, is not what empyrical's function returns, 0.95570: compared to 1e-12 too)."""
    import empyrical as ep

    _same(an.tail_ratio(S[name]), expected, 1)
    _same(an.tail_ratio(S[name]), ep.tail_ratio(S[name]), 12)


@pytest.mark.parametrize(
    ("returns", "cutoff", "expected"),
    [
        ([1.0, 2.0], 0.3, 1.3),
        ([1, 81, 82, 83, 84, 85], 0.1, 41),
        ([1, 81, 82, 83, 84, 85], 0.2, 81),
        ([1, 81, 82, 83, 84, 85], 0.3, 81.5),
    ],
)
def test_empyrical_value_at_risk(returns: list[float], cutoff: float, expected: float) -> None:
    """EMP test_value_at_risk: aithesis takes ``confidence = 1 - cutoff``."""
    _same(an.var_historical(np.array(returns, float), 1 - cutoff), expected, 7)


def test_empyrical_value_at_risk_cutoffs_0_and_1_are_refused() -> None:
    """EMP test_value_at_risk (cutoff 0.0 -> min, 1.0 -> max): a confidence of 100% or
    0% is not a value at risk; aithesis refuses it, naming ``confidence``."""
    for confidence in (1.0, 0.0):
        with pytest.raises(DataError) as info:
            an.var_historical(np.array([1.0, 2.0]), confidence)
        assert info.value.field == "confidence"


@pytest.mark.parametrize("cutoff", [0.0499, 0.05, 0.20, 0.999])
def test_empyrical_conditional_value_at_risk(cutoff: float) -> None:
    """EMP test_conditional_value_at_risk: the mean of the returns at or below the VaR
    (21 normal returns); a single return is its own CVaR."""
    r = np.random.RandomState(5).normal(0, 0.02, 21)
    var = np.percentile(r, cutoff * 100)
    _same(an.cvar_historical(r, 1 - cutoff), float(r[r <= var].mean()))
    one = np.array([0.013])
    _same(an.cvar_historical(one, 1 - cutoff), 0.013)
