"""Contributions: hand case and the add-up property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aithesis.analytics import (
    cost_contribution,
    daily_contributions,
    group_contributions,
    stock_contributions,
)


def test_hand_case_two_stocks_one_day():
    # level 100 split 60/40; A +10%, B -5% -> +6 and -2 points on a base of 100
    levels = np.array([100.0, 104.0])
    weights = np.array([[0.6, 0.4], [60 * 1.1 / 104, 40 * 0.95 / 104]])
    prices = np.array([[10.0, 20.0], [11.0, 19.0]])
    daily = daily_contributions(levels, weights, prices)
    assert daily[0].tolist() == [0.0, 0.0]
    assert daily[1] == pytest.approx([0.06, -0.02], rel=1e-14)


def test_unheld_names_without_prices_contribute_nothing():
    levels = np.array([100.0, 110.0, 121.0])
    weights = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    prices = np.array([[10.0, np.nan], [11.0, np.nan], [12.1, 5.0]])
    assert stock_contributions(levels, weights, prices) == pytest.approx([0.21, 0.0])


def test_cost_contribution_hand_case():
    # 0.5% charged on a pre-trade level of 200 -> 1 point of a base of 100
    levels = np.array([100.0, 199.0])
    assert cost_contribution(levels, np.array([0.0, 0.005])) == pytest.approx(-0.01, rel=1e-12)


def test_group_contributions_sum_by_label():
    out = group_contributions(
        np.array([0.1, 0.2, -0.05, 0.3]), ["compute", "cloud", "compute", None]
    )
    assert out == pytest.approx({"compute": 0.05, "cloud": 0.2, "(none)": 0.3})


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 40), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_contributions_telescope_to_the_level_change(t, n, seed):
    """Buy-and-hold from weights w0: contributions sum to L[-1]/L[0] - 1 exactly."""
    rng = np.random.default_rng(seed)
    prices = 10 * np.exp(np.cumsum(rng.normal(0, 0.05, (t, n)), axis=0))
    w0 = rng.dirichlet(np.ones(n))
    units = w0 * 100.0 / prices[0]
    values = prices * units
    levels = values.sum(axis=1)
    weights = values / levels[:, None]
    total = levels[-1] / levels[0] - 1
    assert stock_contributions(levels, weights, prices).sum() == pytest.approx(total, rel=1e-10)
    by_stock = units * (prices[-1] - prices[0]) / 100.0
    assert stock_contributions(levels, weights, prices) == pytest.approx(
        by_stock, rel=1e-9, abs=1e-12
    )
