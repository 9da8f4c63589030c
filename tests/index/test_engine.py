"""Engine: hand-computed drift, rebalance, entry, exit and cost cases; invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aithesis.analytics import cost_contribution, stock_contributions
from aithesis.errors import DataError
from aithesis.index.engine import eligible_mask, listing_window, run_index
from aithesis.index.weights import equal_weights

nan = np.nan


def _equal_targets(prices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    first, last, _ = listing_window(prices)
    return np.vstack([equal_weights(eligible_mask(first, last, int(r), len(prices))) for r in rows])


def test_drift_then_rebalance_hand_case():
    prices = np.array([[10, 20], [11, 20], [12, 18], [12, 27]], dtype=float)
    res = run_index(prices, np.array([0, 2]), np.full((2, 2), 0.5), base_value=100.0)
    # day 1: 5 x 11 + 2.5 x 20; day 2: 5 x 12 + 2.5 x 18; rebalance 52.5 each;
    # day 3: 52.5 x 12/12 + 52.5 x 27/18
    assert res.levels == pytest.approx([100.0, 105.0, 105.0, 131.25], rel=1e-14)
    assert res.weights[1] == pytest.approx([55 / 105, 50 / 105], rel=1e-14)
    assert res.weights[2] == pytest.approx([0.5, 0.5], rel=1e-14)
    assert res.turnover[2] == pytest.approx(0.5 * (abs(0.5 - 60 / 105) + abs(0.5 - 45 / 105)))
    assert res.holdings[1] == pytest.approx([52.5 / 12, 52.5 / 18])
    assert res.segment_starts.tolist() == [0, 2]


def test_costs_are_charged_one_way_on_every_purchase_and_sale():
    prices = np.array([[10, 20], [11, 20], [12, 18], [12, 27]], dtype=float)
    res = run_index(
        prices,
        np.array([0, 2]),
        np.full((2, 2), 0.5),
        base_value=100.0,
        costs_bps=10,
        costs_on_launch=False,
    )
    traded = abs(0.5 - 60 / 105) + abs(0.5 - 45 / 105)  # sold 1/14 of A, bought 1/14 of B
    after = 105.0 - 0.001 * traded * 105.0
    assert res.levels[0] == 100.0 and res.costs[0] == 0.0  # launch is free here
    assert res.levels[2] == pytest.approx(after, rel=1e-14)
    assert res.levels[3] == pytest.approx(after * 1.25, rel=1e-14)
    assert res.costs[2] == pytest.approx(0.001 * traded, rel=1e-12)
    assert res.cost_points == pytest.approx(0.001 * traded * 105.0, rel=1e-12)


def test_new_listing_enters_at_first_rebalance_after_its_first_close():
    prices = np.array([[10, 20, nan], [11, 20, nan], [12, 18, 30], [12, 27, 33]], dtype=float)
    rows = np.array([0, 2])
    targets = _equal_targets(prices, rows)
    assert targets.tolist() == [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]
    res = run_index(prices, rows, targets, base_value=100.0)
    assert res.levels == pytest.approx([100, 105, 105, 35 + 35 * 1.5 + 35 * 1.1], rel=1e-14)
    assert res.weights[1, 2] == 0.0


def test_listing_between_rebalances_waits_for_the_next_one():
    prices = np.array([[10, nan], [11, 50], [12, 60], [12, 66]], dtype=float)
    res = run_index(prices, np.array([0, 3]), _equal_targets(prices, np.array([0, 3])))
    assert res.weights[1:3, 1].tolist() == [0.0, 0.0]
    assert res.levels[2] == pytest.approx(1200.0)
    assert res.weights[3].tolist() == [0.5, 0.5]


def test_stock_that_stops_trading_is_sold_at_last_close_pro_rata_to_the_rest():
    prices = np.array(
        [[10, 20, 40], [11, 22, 40], [12, 24, 44], [13, nan, 44], [14, nan, 48.4]], dtype=float
    )
    res = run_index(prices, np.array([0]), np.full((1, 3), 1 / 3), base_value=90.0)
    # 30 in each; day 2: A 36, B 36, C 33 = 105; B's 36 goes to A and C as 36:33
    a, c = 36 / 69, 33 / 69
    assert res.levels[:3] == pytest.approx([90.0, 96.0, 105.0], rel=1e-14)
    assert res.levels[3] == pytest.approx(105 * (a * 13 / 12 + c * 44 / 44), rel=1e-14)
    assert res.levels[4] == pytest.approx(105 * (a * 14 / 12 + c * 48.4 / 44), rel=1e-14)
    assert res.weights[2] == pytest.approx([a, 0.0, c], rel=1e-14)
    assert res.turnover[2] == pytest.approx(36 / 105, rel=1e-14)
    assert res.segment_starts.tolist() == [0, 2]


def test_exit_costs_charge_the_sale_and_the_reinvestment():
    prices = np.array([[10, 20, 40], [11, 22, 40], [12, 24, 44], [13, nan, 44]], dtype=float)
    res = run_index(
        prices,
        np.array([0]),
        np.full((1, 3), 1 / 3),
        base_value=90.0,
        costs_bps=25,
        costs_on_launch=False,
    )
    cost = 0.0025 * 2 * 36.0
    assert res.levels[2] == pytest.approx(105.0 - cost, rel=1e-14)
    assert res.levels[3] == pytest.approx((105 - cost) * (36 / 69 * 13 / 12 + 33 / 69), rel=1e-14)


def test_when_every_holding_exits_the_index_holds_cash_until_the_next_rebalance():
    prices = np.array([[nan, 20], [nan, 22], [nan, 24], [10, nan], [11, nan]], dtype=float)
    rows = np.array([0, 3])
    res = run_index(prices, rows, _equal_targets(prices, rows), base_value=100.0)
    assert res.levels == pytest.approx([100, 110, 120, 120, 132], rel=1e-14)
    assert res.cash.tolist() == [0.0, 0.0, 120.0, 0.0, 0.0]


def test_hole_inside_a_listing_window_carries_the_last_price():
    prices = np.array([[10, 20], [nan, 22], [12, 24]], dtype=float)
    res = run_index(prices, np.array([0]), np.full((1, 2), 0.5), base_value=100.0)
    assert res.levels == pytest.approx([100, 50 + 55, 60 + 60], rel=1e-14)


def test_weight_on_a_name_without_a_price_is_rejected_naming_it():
    prices = np.array([[10, nan], [11, 20]], dtype=float)
    with pytest.raises(DataError) as info:
        run_index(prices, np.array([0]), np.array([[0.5, 0.5]]), tickers=("A", "CEG"))
    assert info.value.field == "CEG"


def test_weight_on_a_name_at_its_last_close_is_rejected():
    prices = np.array([[10, 20], [11, 21], [12, nan]], dtype=float)
    with pytest.raises(DataError, match="no tradable close"):
        run_index(prices, np.array([0, 1]), np.array([[0.5, 0.5], [0.5, 0.5]]))


def test_weights_must_sum_to_one():
    with pytest.raises(DataError, match="sum to 1"):
        run_index(np.ones((2, 2)), np.array([0]), np.array([[0.5, 0.4]]))


def test_non_positive_prices_are_rejected():
    with pytest.raises(DataError, match="> 0"):
        run_index(np.array([[1.0], [0.0]]), np.array([0]), np.array([[1.0]]))


# ---- properties ---------------------------------------------------------------------


@st.composite
def price_panels(draw, max_n: int = 6):
    """Synthetic positive prices with random listing windows (column 0 spans all rows)."""
    t = draw(st.integers(3, 50))
    n = draw(st.integers(1, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    prices = 50 * np.exp(np.cumsum(rng.normal(0, 0.03, (t, n)), axis=0))
    for j in range(1, n):
        a = int(rng.integers(0, t))
        b = int(rng.integers(a, t))
        prices[:a, j] = nan
        prices[b + 1 :, j] = nan
    k = draw(st.integers(1, t))
    rows = np.unique(np.concatenate(([0], rng.choice(t, size=k - 1, replace=True)))).astype(int)
    return prices, rows, rng


@settings(max_examples=150, deadline=None)
@given(price_panels(max_n=1), st.floats(1.0, 5000.0))
def test_one_stock_index_equals_that_stocks_return(panel, base):
    prices, rows, _ = panel
    res = run_index(prices, rows, np.ones((rows.size, 1)), base_value=base)
    assert res.levels / base == pytest.approx(prices[:, 0] / prices[0, 0], rel=1e-12)


@settings(max_examples=150, deadline=None)
@given(price_panels(), st.floats(1e-3, 1e3))
def test_scaling_one_stocks_prices_changes_nothing(panel, factor):
    prices, rows, rng = panel
    targets = _equal_targets(prices, rows)
    scaled = prices.copy()
    j = int(rng.integers(0, prices.shape[1]))
    scaled[:, j] *= factor
    a = run_index(prices, rows, targets, costs_bps=7.0)
    b = run_index(scaled, rows, targets, costs_bps=7.0)
    assert b.levels == pytest.approx(a.levels, rel=1e-12)
    assert b.weights == pytest.approx(a.weights, rel=1e-12, abs=1e-15)
    assert b.turnover == pytest.approx(a.turnover, rel=1e-12, abs=1e-15)


@settings(max_examples=150, deadline=None)
@given(price_panels(), st.floats(0.0, 100.0))
def test_contributions_sum_to_the_index_return(panel, bps):
    prices, rows, _ = panel
    res = run_index(prices, rows, _equal_targets(prices, rows), base_value=100.0, costs_bps=bps)
    total = res.levels[-1] / res.levels[0] - 1.0
    # exact P&L from the engine's segments
    assert (res.pnl.sum() - res.cost_points) / 100.0 == pytest.approx(total, rel=1e-10, abs=1e-12)
    # and from daily weights x returns (analytics.attribution), independently
    daily = stock_contributions(res.levels, res.weights, prices)
    assert daily == pytest.approx(res.pnl / 100.0, rel=1e-9, abs=1e-12)
    assert daily.sum() + cost_contribution(res.levels, res.costs) == pytest.approx(
        total, rel=1e-9, abs=1e-12
    )


@settings(max_examples=150, deadline=None)
@given(price_panels())
def test_daily_weights_sum_to_one_unless_in_cash(panel):
    prices, rows, _ = panel
    res = run_index(prices, rows, _equal_targets(prices, rows))
    sums = res.weights.sum(axis=1)
    invested = res.cash == 0
    assert sums[invested] == pytest.approx(np.ones(invested.sum()), abs=1e-12)
    assert np.all(res.weights[np.isnan(prices)] == 0)


def test_listing_window_and_eligibility_hand_case():
    prices = np.array(
        [[1.0, nan, nan, 5.0], [1.0, 2.0, nan, 5.0], [1.0, 2.0, nan, nan], [1.0, nan, nan, nan]]
    )
    first, last, listed = listing_window(prices)
    assert first.tolist() == [0, 1, 0, 0] and last.tolist() == [3, 2, -1, 1]
    assert listed.tolist() == [True, True, False, True]
    # row 1: column 3 closes for the last time there (leaving), column 2 never listed
    assert eligible_mask(first, last, 1, 4).tolist() == [True, True, False, False]
    assert eligible_mask(first, last, 3, 4).tolist() == [True, False, False, False]
