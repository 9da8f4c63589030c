"""Deflated Sharpe ratio against Bailey & Lopez de Prado (2014) and exact order statistics."""

from __future__ import annotations

import math

import pytest
from scipy import integrate, stats

from aithesis.sweep.selection import (
    deflated_sharpe_ratio,
    expected_max_sharpe,
    selection_warning,
)


def test_paper_numerical_example() -> None:
    # "The Deflated Sharpe Ratio" (JPM 40(5), 2014), numerical example: 100 trials,
    # cross-trial variance of the annualised Sharpe 1/2, 250 days a year, best annualised
    # Sharpe 2.5 over five years (T = 1250), skewness -3, kurtosis 10:
    # SR0 = 0.1132 (per day) and DSR = 0.9004.
    v = 0.5 / 250
    assert expected_max_sharpe(100, v) == pytest.approx(0.1132, abs=5e-5)
    dsr = deflated_sharpe_ratio(2.5 / math.sqrt(250), 1250, 100, v, -3.0, 10.0)
    assert dsr == pytest.approx(0.9004, abs=5e-5)


@pytest.mark.parametrize("k", [10, 100, 1000])
def test_expected_max_is_close_to_the_exact_order_statistic(k: int) -> None:
    # exact E[max of k iid N(0,1)] = integral of x * k * phi(x) * Phi(x)^(k-1)
    exact, _ = integrate.quad(
        lambda x: x * k * stats.norm.pdf(x) * stats.norm.cdf(x) ** (k - 1), -10, 10
    )
    assert expected_max_sharpe(k, 1.0) == pytest.approx(exact, rel=0.03)
    assert expected_max_sharpe(k, 4.0) == pytest.approx(2 * expected_max_sharpe(k, 1.0))


def test_one_trial_is_the_probabilistic_sharpe_ratio_against_zero() -> None:
    sr, t = 0.1, 500
    expected = stats.norm.cdf(sr * math.sqrt(t - 1) / math.sqrt(1 + 0.5 * sr**2))
    assert expected_max_sharpe(1, 0.3) == 0.0
    assert deflated_sharpe_ratio(sr, t, 1, 0.3) == pytest.approx(expected, rel=1e-12)


def test_more_trials_deflate_more() -> None:
    values = [deflated_sharpe_ratio(0.08, 1000, k, 0.002) for k in (1, 10, 100, 1000)]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def test_undefined_cases_are_nan() -> None:
    assert math.isnan(deflated_sharpe_ratio(0.1, 1, 10, 0.01))
    assert math.isnan(deflated_sharpe_ratio(float("nan"), 100, 10, 0.01))
    with pytest.raises(ValueError):
        expected_max_sharpe(0, 1.0)


def test_warning_counts_variants_and_gives_the_bonferroni_level() -> None:
    text = selection_warning(36, 27, "sharpe", 0.93, 1.1)
    assert "36 variants were tried (27 with results)" in text
    assert "0.93" in text and "1.10" in text
    assert f"p < {0.05 / 27:.2g}" in text
