"""``costs_on_launch``: the launch purchase pays ``costs_bps`` too (the default, as bt).

- A two-stock case computed by hand, exactly (to rounding).
- Against bt with commissions of 25 bps (``commissions=lambda q, p: abs(q) * p * 0.0025``,
  ``integer_positions=False``) on an equal-weight index of the real sample prices. bt
  takes each fee from capital after the trade: it sizes a purchase so that value *plus*
  fee equals the allocation (``V / (1 + k)`` of stock bought at the launch), we charge
  the fee on the value before the trade (``V (1 - k)``): buy and hold agrees to
  ``k**2`` = 6.25e-6 on every day. Quarterly, with bt's orders sized so that every name
  ends at its target weight of the post-fee value (our convention, bt's accounting), to
  1e-5 (measured 8.3e-6: ``k**2`` plus 2.0e-6 from the rebalances' fee base). bt's own
  ``Rebalance`` takes each rebalance fee out of the traded name, we out of the whole
  index: a reimplementation of that rule reproduces bt to 1e-12 and the gap to ours
  is 2.3e-4. Without the launch charge the gap is the launch fee itself, 0.25% (bt @
  bd5650a tests/test_core.py::test_set_commissions charges the very first allocation
  too).
"""

from __future__ import annotations

import warnings

import bt
import numpy as np
import pandas as pd
import pytest
from tests.index.test_oracle_bt import TICKERS, _universe

from aithesis.analytics import cost_contribution, stock_contributions
from aithesis.index import Methodology, UniverseSpec, build_index
from aithesis.index.engine import run_index

warnings.filterwarnings("ignore", category=FutureWarning)


def test_two_stocks_by_hand() -> None:
    prices = np.array([[10, 20], [11, 20], [12, 18], [12, 27]], dtype=float)
    res = run_index(prices, np.array([0, 2]), np.full((2, 2), 0.5), base_value=100.0, costs_bps=10)
    # launch: 100 of capital buys 99.9 of stock (0.1 paid), half in each
    assert res.holdings[0] == pytest.approx([0.5 * 99.9 / 10, 0.5 * 99.9 / 20], rel=1e-15)
    assert res.levels[0] == 100.0 and res.costs[0] == pytest.approx(0.001, rel=1e-15)
    assert res.weights[0] == pytest.approx([0.4995, 0.4995], rel=1e-14)
    assert res.levels[1] == pytest.approx(0.999 * 105.0, rel=1e-14)
    # row 2: drifted weights 60/105 and 45/105, traded 1/7 of 104.895 at 10 bps
    before = 0.999 * 105.0
    after = before * (1 - 0.001 / 7)
    assert res.levels[2] == pytest.approx(after, rel=1e-14)
    assert res.levels[3] == pytest.approx(after * 1.25, rel=1e-14)
    assert res.cost_points == pytest.approx(0.1 + before * 0.001 / 7, rel=1e-13)
    # the P&L identity and the daily attribution still add up, launch cost included
    total = res.levels[-1] / res.levels[0] - 1
    assert (res.pnl.sum() - res.cost_points) / 100 == pytest.approx(total, rel=1e-13)
    daily = stock_contributions(res.levels, res.weights, prices)
    assert daily.sum() + cost_contribution(res.levels, res.costs) == pytest.approx(total, rel=1e-12)
    free = run_index(
        prices, np.array([0, 2]), np.full((2, 2), 0.5), base_value=100.0, costs_bps=10,
        costs_on_launch=False,
    )  # fmt: skip
    assert free.levels[1] == pytest.approx(105.0, rel=1e-15) and free.costs[0] == 0.0
    assert res.levels[-1] / free.levels[-1] == pytest.approx(0.999, rel=1e-14)


def test_methodology_default_charges_the_launch() -> None:
    m = Methodology(name="x", base_date="2024-01-02", universe=UniverseSpec(tickers=["A"]))
    assert m.costs_on_launch is True
    assert m.model_copy(update={"costs_on_launch": False}).costs_on_launch is False


def _bt_levels(
    prices: pd.DataFrame, run_algo: bt.Algo, rebalance: bt.Algo | None = None
) -> np.ndarray:
    """bt's levels per 1 of capital (its day-0 row included), commissions of 25 bps."""
    rebalance = bt.algos.Rebalance() if rebalance is None else rebalance
    strategy = bt.Strategy(
        "s", [run_algo, bt.algos.SelectAll(), bt.algos.WeighEqually(), rebalance]
    )
    test = bt.Backtest(
        strategy,
        prices,
        integer_positions=False,
        progress_bar=False,
        commissions=lambda q, p: abs(q) * p * 0.0025,
    )
    return bt.run(test).backtests["s"].strategy.prices.iloc[1:].to_numpy() / 100


def _build(sample_store, rebalance: str, on_launch: bool):
    m = Methodology(
        name=f"equal {rebalance} 25bps",
        base_date="2021-10-01",
        universe=UniverseSpec(tickers=TICKERS),
        rebalance=rebalance,
        costs_bps=25,
        costs_on_launch=on_launch,
    )
    return build_index(m, sample_store, end="2025-06-30", universe=_universe())


def _prices(res) -> pd.DataFrame:
    return pd.DataFrame(res.prices, index=res.levels.index, columns=list(res.tickers))


K = 0.0025


def test_launch_fee_equals_bt_to_k_squared_on_every_day(sample_store) -> None:
    """Buy and hold (bt.algos.RunOnce): the only trade is the launch purchase. bt keeps
    ``V / (1 + k)`` of stock, we ``V (1 - k)``: ours / bt - 1 = -k**2 = -6.25e-6 on
    every day after the base date (below 1e-5)."""
    ours = _build(sample_store, "none", True)
    theirs = _bt_levels(_prices(ours), bt.algos.RunOnce())
    assert theirs[0] == pytest.approx(1 / (1 + K), rel=1e-12)  # bt: after the purchase
    mine = ours.level_values / ours.level_values[0]
    np.testing.assert_allclose(mine[1:] / theirs[1:] - 1, -(K**2), rtol=1e-6, atol=1e-12)
    free = _build(sample_store, "none", False)
    gap = free.level_values[1:] / 1000 / theirs[1:] - 1
    np.testing.assert_allclose(gap, K, rtol=1e-9)  # without the charge: the whole fee


class _RebalanceAfterFee(bt.Algo):
    """bt's ``Rebalance`` with the orders sized the index provider's way.

    bt still does all the accounting (``commissions`` charged by its commission
    function and taken from capital after each trade, its quantity solve in
    ``SecurityBase.allocate``); only the amounts passed to ``allocate`` differ: every
    name ends at its target weight of the value left after the total fee ``F``, which
    solves ``F = k * sum|w (V - F) - held|`` (a fixed point, contraction factor ``k``).
    A buy of ``d`` is ordered as ``d (1 + k)``, a sale as ``d (1 - k)``, so that after
    bt's fee the position moves by exactly ``d`` and the cash spent is 0.
    """

    def __call__(self, target: bt.core.StrategyBase) -> bool:
        targets = target.temp["weights"]
        names = sorted(set(targets.keys()) | set(target.children))
        w = np.array([float(targets.get(n, 0.0)) for n in names])
        held = np.array([target.children[n].value if n in target.children else 0.0 for n in names])
        value = float(target.value)
        fee = 0.0
        for _ in range(30):
            fee = K * float(np.abs(w * (value - fee) - held).sum())
        for name, d in zip(names, w * (value - fee) - held, strict=True):
            if abs(d) > 1e-15 * value:
                target.allocate(d * (1 + K) if d > 0 else d * (1 - K), child=name, update=False)
        target.root.update(target.now)
        return True


def _bt_rebalance_by_hand(prices: pd.DataFrame, rows: np.ndarray, k: float) -> np.ndarray:
    """bt's ``Rebalance`` convention reimplemented (levels per 1 of capital).

    At a rebalance with pre-trade value ``V``, held values ``u_i V`` and equal targets
    ``w_i`` over the names priced that day, bt allocates ``a_i = (w_i - u_i) V`` to each
    name from the strategy's capital; the fee comes out of that amount after the
    trade, so a purchase adds ``a_i / (1 + k)`` of stock and a sale removes
    ``|a_i| / (1 - k)``. The capital (cash) moves by ``-sum a_i = 0``; the value falls
    by the fees, each borne by the name traded.
    """
    px = prices.to_numpy()
    levels = np.empty(len(px))
    units = np.zeros(px.shape[1])
    cash = 1.0
    for t, row in enumerate(px):
        priced = ~np.isnan(row)
        close = np.where(priced, row, 0.0)
        value = cash + float(units @ close)
        if t in rows:
            w = priced / priced.sum()
            held = units * close
            a = w * value - held
            cash -= float(a.sum())
            after = held + np.where(a > 0, a / (1 + k), a / (1 - k))
            units = np.where(priced, after / np.where(priced, row, 1.0), 0.0)
            value = cash + float(units @ close)
        levels[t] = value
    return levels


def test_quarterly_levels_equal_bt_with_orders_sized_after_the_fee(sample_store) -> None:
    """Quarterly at 25 bps, bt charging the commissions: agree to 1e-5 on every day
    (measured 8.3e-6) when bt's orders leave each name at its target weight of the
    post-fee value, as ours do. What remains is the fee's base: bt charges ``k`` on
    the value it actually trades, ``k * sum|w (V - F) - u V|``, we on the turnover to
    the pre-fee targets, ``k * sum|w - u| V``. At the launch that is ``k V / (1 + k)``
    against ``k V``: ``k**2`` = 6.25e-6 on every later day; the 14 rebalances add
    2.0e-6 (each about ``k * F``)."""
    ours = _build(sample_store, "quarterly", True)
    theirs = _bt_levels(_prices(ours), bt.algos.RunQuarterly(), _RebalanceAfterFee())
    mine = ours.level_values[1:] / ours.level_values[0]
    rel = np.abs(mine / theirs[1:] - 1)
    assert rel.max() < 1e-5, rel.max()
    after_launch = np.abs(mine / theirs[1:] / (1 - K**2) - 1)  # the launch's k**2 taken out
    assert after_launch.max() < 3e-6, after_launch.max()
    assert after_launch.max() > 1e-7  # the rebalances' share is real, not rounding


def test_quarterly_gap_to_bts_rebalance_is_its_fee_convention(sample_store) -> None:
    """bt's own ``Rebalance`` takes each fee out of the traded name (buys ``a / (1 +
    k)``, sells ``a / (1 - k)``), so its post-trade weights miss the targets by about
    ``k * |a_i|``; we charge the total fee on the pre-trade value and hold exactly the
    targets (an index provider's convention). A reimplementation of bt's rule
    reproduces bt to 1e-12, and the gap to ours is that convention, measured: 2.3e-4
    at most, 2.0e-4 at the end of 2025-06 (so 1e-5 needs bt's orders sized as above).
    The launch charge is the same in both; without it the gap is the launch fee."""
    ours = _build(sample_store, "quarterly", True)
    prices = _prices(ours)
    theirs = _bt_levels(prices, bt.algos.RunQuarterly())
    by_hand = _bt_rebalance_by_hand(prices, ours.rebalance_rows, K)
    np.testing.assert_allclose(by_hand, theirs, rtol=1e-12)
    mine = ours.level_values / ours.level_values[0]
    rel = np.abs(mine[1:] / theirs[1:] - 1)
    first_rebalance = int(ours.rebalance_rows[1])
    assert rel[: first_rebalance - 1].max() < 1e-5  # up to the first rebalance: k**2
    assert 1e-4 < rel.max() < 3e-4, rel.max()
    free = _build(sample_store, "quarterly", False)
    assert free.level_values[-1] / ours.level_values[-1] - 1 == pytest.approx(K / (1 - K), rel=1e-9)
    assert abs(free.level_values[-1] / 1000 / theirs[-1] - 1) > 2e-3
