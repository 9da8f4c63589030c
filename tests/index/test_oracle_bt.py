"""Index levels equal bt's on the real sample prices, to a relative 1e-9 on every day.

bt is fed exactly the price matrix our index used (``IndexResult.prices``: total-return
``adj_close`` from the store, HK listings converted to USD with the stored USDHKD), with
``integer_positions=False`` and zero commissions. bt conventions handled here:

* bt prepends a day-0 row (first date - 1 day) and starts its price at 100; our level is
  ``base_value`` at the base date, so we compare ``ours / base_value`` with
  ``bt / 100`` from bt's second row on.
* bt's ``SelectAll`` skips names without a price that day, so a listing inside the window
  (CEG on 2022-01-19) enters at the first rebalance after its first close in both.
* bt refuses to hold a name whose price turns NaN; windows for the plain bt strategies
  end before any exit. Exits are checked separately against a bt strategy that, on an
  exit date, rebalances to the current weights of the other names (our documented rule).
"""

from __future__ import annotations

import warnings

import bt
import numpy as np
import pandas as pd
import pytest

from aithesis.index import Methodology, UniverseSpec, WeightingSpec, build_index
from aithesis.universe import Company, Universe

warnings.filterwarnings("ignore", category=FutureWarning)

TICKERS = ["NVDA", "AMD", "AVGO", "TSM", "MSFT", "ANET", "PLTR", "CEG", "VRT", "0700.HK"]
EXPOSURE = {
    "NVDA": 0.9, "AMD": 0.45, "AVGO": 0.45, "TSM": 0.45, "MSFT": 0.45,
    "ANET": 0.45, "PLTR": 0.6, "CEG": 0.4, "VRT": 0.7, "0700.HK": 0.35,
}  # fmt: skip


def _universe() -> Universe:
    """A small hand-made universe (so these tests do not depend on the built-in scores)."""
    return Universe(
        Company(
            ticker=t,
            name=t,
            name_zh=t,
            themes=["compute"],
            role="chips",
            ai_exposure=score,
            exposure_rationale="test score",
            source="analyst judgement",
        )
        for t, score in EXPOSURE.items()
    )


def _prices(result) -> pd.DataFrame:
    return pd.DataFrame(result.prices, index=result.levels.index, columns=list(result.tickers))


def _bt_run(strategy: bt.Strategy, prices: pd.DataFrame):
    res = bt.run(bt.Backtest(strategy, prices, integer_positions=False, progress_bar=False))
    backtest = res.backtests[strategy.name]
    levels = backtest.strategy.prices.iloc[1:]  # drop bt's prepended day-0 row
    weights = backtest.security_weights.iloc[1:].reindex(columns=prices.columns, fill_value=0.0)
    return levels, weights


def _assert_same_path(ours, bt_levels: pd.Series, bt_weights: pd.DataFrame) -> None:
    assert (bt_levels.index == ours.levels.index).all()
    rel = np.abs((ours.level_values / ours.level_values[0]) / (bt_levels.to_numpy() / 100) - 1)
    assert rel.max() < 1e-9, f"max relative difference {rel.max():.3g}"
    assert np.abs(ours.weight_values - bt_weights.to_numpy()).max() < 1e-9


@pytest.mark.parametrize(
    ("frequency", "algo"), [("quarterly", bt.algos.RunQuarterly), ("monthly", bt.algos.RunMonthly)]
)
def test_equal_weight_levels_equal_bt(sample_store, frequency, algo):
    m = Methodology(
        name=f"equal {frequency}",
        base_date="2021-10-01",
        universe=UniverseSpec(tickers=TICKERS),
        rebalance=frequency,
    )
    ours = build_index(m, sample_store, end="2025-06-30", universe=_universe())
    prices = _prices(ours)
    assert np.isnan(prices["CEG"].iloc[0]) and prices["CEG"].notna().iloc[-1]  # an entry
    assert prices.notna().iloc[-1].all()  # no exit inside the window
    strategy = bt.Strategy(
        "s", [algo(), bt.algos.SelectAll(), bt.algos.WeighEqually(), bt.algos.Rebalance()]
    )
    _assert_same_path(ours, *_bt_run(strategy, prices))


class _WeighByScore(bt.Algo):
    """Weights proportional to a fixed score over the selected names (our ``exposure``)."""

    def __init__(self, scores: dict[str, float]) -> None:
        super().__init__()
        self.scores = scores

    def __call__(self, target) -> bool:
        picked = {t: self.scores[t] for t in target.temp["selected"]}
        total = sum(picked.values())
        target.temp["weights"] = {t: s / total for t, s in picked.items()}
        return True


def test_capped_exposure_weights_equal_bt_limit_weights(sample_store):
    m = Methodology(
        name="capped exposure",
        base_date="2021-10-01",
        universe=UniverseSpec(tickers=TICKERS),
        weighting=WeightingSpec(scheme="exposure", cap=0.15),
        rebalance="quarterly",
    )
    ours = build_index(m, sample_store, end="2025-06-30", universe=_universe())
    # the cap binds: NVDA's uncapped weight is 0.9 / 4.8 = 0.1875 on the base date
    assert ours.weight_values[0, 0] == pytest.approx(0.15, abs=1e-15)
    strategy = bt.Strategy(
        "s",
        [
            bt.algos.RunQuarterly(),
            bt.algos.SelectAll(),
            _WeighByScore(EXPOSURE),
            bt.algos.LimitWeights(0.15),
            bt.algos.Rebalance(),
        ],
    )
    _assert_same_path(ours, *_bt_run(strategy, _prices(ours)))


class _QuarterOrExit(bt.Algo):
    """Fires on bt's quarterly dates and on the last close of any name that stops trading."""

    def __init__(self, last: pd.Series, end: pd.Timestamp) -> None:
        super().__init__()
        self.quarterly = bt.algos.RunQuarterly()
        self.last, self.end = last, end

    def __call__(self, target) -> bool:
        if self.quarterly(target):
            eligible = [
                t for t, d in self.last.items()
                if not np.isnan(target.universe.loc[target.now, t])
                and (d > target.now or d == self.end)
            ]  # fmt: skip
            target.temp["weights"] = {t: 1 / len(eligible) for t in eligible}
            return True
        leaving = set(self.last[self.last == target.now].index)
        if leaving and self.end != target.now:
            keep = {t: c.weight for t, c in target.children.items() if t not in leaving}
            total = sum(keep.values())
            target.temp["weights"] = {t: w / total for t, w in keep.items() if w > 0}
            return True
        return False


def test_ai_infra_exits_equal_bt_with_explicit_exit_rebalance(sample_store):
    ours = build_index("ai-infra", sample_store, universe=Universe(()))
    prices = _prices(ours)
    last = prices.apply(lambda col: col.last_valid_index())
    # the sample's files end on different dates: VST, ETN and EQT run to 2026-08-14, the
    # other five stop on 2026-05-29 and are sold at that close
    leavers = ["NVDA", "AVGO", "TSM", "NEE", "ANET"]
    assert set(last[last < prices.index[-1]].index) == set(leavers)
    exit_day = pd.Timestamp("2026-05-29")
    assert (last[leavers] == exit_day).all() and prices.index[-1] == pd.Timestamp("2026-08-14")
    after = prices.index > exit_day
    assert (ours.weights.loc[after, leavers] == 0).all().all()
    np.testing.assert_allclose(ours.weights.loc[after, ["VST", "ETN", "EQT"]].sum(axis=1), 1.0)
    strategy = bt.Strategy("s", [_QuarterOrExit(last, prices.index[-1]), bt.algos.Rebalance()])
    _assert_same_path(ours, *_bt_run(strategy, prices))
