"""Rebalance schedule: base date + first trading day of each new period, as bt decides."""

from __future__ import annotations

from types import SimpleNamespace

import bt
import numpy as np
import pandas as pd
import pytest

from aithesis.errors import SpecError
from aithesis.index.schedule import rebalance_indices


def _bt_rows(dates: pd.DatetimeIndex, algo: bt.core.Algo) -> list[int]:
    """Rows on which a bt RunPeriod algo fires, with bt's prepended day-0 row."""
    index = pd.DatetimeIndex([dates[0] - pd.Timedelta(days=1), *dates])
    target = SimpleNamespace(now=None, data=pd.DataFrame(index=index))
    fired = []
    for i, now in enumerate(index):
        target.now = now
        if algo(target):
            fired.append(i - 1)
    return fired


@pytest.fixture(scope="module")
def us_dates(sample_store) -> pd.DatetimeIndex:
    pm = sample_store.price_matrix(["SPY"], start="2019-11-15", end="2024-02-10")
    return pd.DatetimeIndex(pm.dates)


@pytest.mark.parametrize(
    ("frequency", "algo"),
    [
        ("monthly", bt.algos.RunMonthly),
        ("quarterly", bt.algos.RunQuarterly),
        ("annual", bt.algos.RunYearly),
    ],
)
def test_rebalance_rows_equal_bt_run_period(us_dates, frequency, algo):
    ours = rebalance_indices(us_dates.to_numpy().astype("datetime64[D]"), frequency)
    assert ours.tolist() == _bt_rows(us_dates, algo())


def test_quarterly_hand_case_first_trading_day_after_holiday():
    dates = np.array(
        ["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03", "2024-03-28", "2024-04-01"],
        dtype="datetime64[D]",
    )
    assert rebalance_indices(dates, "quarterly").tolist() == [0, 2, 5]
    assert rebalance_indices(dates, "monthly").tolist() == [0, 2, 4, 5]
    assert rebalance_indices(dates, "semiannual").tolist() == [0, 2]
    assert rebalance_indices(dates, "annual").tolist() == [0, 2]
    assert rebalance_indices(dates, "none").tolist() == [0]


def test_semiannual_periods_are_january_and_july(us_dates):
    rows = rebalance_indices(us_dates.to_numpy().astype("datetime64[D]"), "semiannual")
    picked = us_dates[rows[1:]]
    assert set(picked.month) == {1, 7}
    halves = us_dates.year * 2 + (us_dates.month > 6)
    expected = np.flatnonzero(np.diff(halves)) + 1
    assert rows[1:].tolist() == expected.tolist()


def test_unknown_frequency_is_a_spec_error():
    with pytest.raises(SpecError) as info:
        rebalance_indices(np.array(["2024-01-02"], dtype="datetime64[D]"), "weekly")
    assert info.value.field == "rebalance"
