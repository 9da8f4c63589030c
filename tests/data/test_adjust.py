"""Derived total return (Yahoo's dividend-factor convention) on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aithesis.data.adjust import dividend_adjusted_close
from aithesis.errors import DataError


def _dates(*days: str) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


TRADING = _dates("2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08")
CLOSE = np.array([10.0, 11.0, 12.0, 13.0, 14.0])


def test_one_dividend_scales_every_earlier_price() -> None:
    adj, notes = dividend_adjusted_close(TRADING, CLOSE, _dates("2024-01-04"), np.array([1.0]))
    f = 1 - 1 / 11
    assert adj == pytest.approx([10 * f, 11 * f, 12, 13, 14], rel=1e-15)
    assert adj[2] / adj[1] - 1 == pytest.approx(12 / (11 - 1) - 1, rel=1e-14)
    assert notes == []


def test_two_dividends_on_consecutive_days_compound() -> None:
    adj, _ = dividend_adjusted_close(
        TRADING, CLOSE, _dates("2024-01-04", "2024-01-05"), np.array([1.0, 0.5])
    )
    f3, f4 = 1 - 1 / 11, 1 - 0.5 / 12
    assert adj == pytest.approx([10 * f3 * f4, 11 * f3 * f4, 12 * f4, 13, 14], rel=1e-15)
    assert adj[2] / adj[1] - 1 == pytest.approx(12 / (11 - 1.0) - 1, rel=1e-14)
    assert adj[3] / adj[2] - 1 == pytest.approx(13 / (12 - 0.5) - 1, rel=1e-14)


def test_dividend_on_first_row_adjusts_nothing() -> None:
    adj, _ = dividend_adjusted_close(TRADING, CLOSE, _dates("2024-01-02"), np.array([0.7]))
    np.testing.assert_array_equal(adj, CLOSE)


def test_dividend_before_first_row_adjusts_nothing() -> None:
    adj, _ = dividend_adjusted_close(TRADING, CLOSE, _dates("2023-06-01"), np.array([0.7]))
    np.testing.assert_array_equal(adj, CLOSE)


def test_dividend_on_a_non_trading_day_applies_on_the_next_trading_day() -> None:
    # 2024-01-06 is a Saturday: the first close ex-dividend is Monday 2024-01-08
    adj, _ = dividend_adjusted_close(TRADING, CLOSE, _dates("2024-01-06"), np.array([2.0]))
    f = 1 - 2 / 13
    assert adj == pytest.approx([10 * f, 11 * f, 12 * f, 13 * f, 14], rel=1e-15)


def test_two_dividends_landing_on_one_day_are_summed() -> None:
    adj, _ = dividend_adjusted_close(
        TRADING, CLOSE, _dates("2024-01-06", "2024-01-08"), np.array([0.5, 1.5])
    )
    f = 1 - 2.0 / 13
    assert adj[3] == pytest.approx(13 * f, rel=1e-15)


def test_dividend_after_the_last_row_is_ignored_and_reported() -> None:
    adj, notes = dividend_adjusted_close(
        TRADING, CLOSE, _dates("2024-02-01"), np.array([1.0]), ticker="XYZ"
    )
    np.testing.assert_array_equal(adj, CLOSE)
    assert len(notes) == 1 and "XYZ" in notes[0] and "2024-02-01" in notes[0]


def test_dividend_not_below_previous_close_is_an_error() -> None:
    with pytest.raises(DataError, match="not below the previous close") as info:
        dividend_adjusted_close(
            TRADING, CLOSE, _dates("2024-01-03"), np.array([10.0]), ticker="XYZ"
        )
    assert info.value.field == "dividend"


@settings(max_examples=60, deadline=None)
@given(
    closes=st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=40),
    data=st.data(),
)
def test_returns_equal_price_returns_except_on_ex_dates(closes: list[float], data) -> None:
    close = np.array(closes)
    dates = np.datetime64("2020-01-01") + np.arange(len(close)).astype("timedelta64[D]")
    k = data.draw(st.integers(1, len(close) - 1))
    div = data.draw(st.floats(0.0001, 0.9)) * close[k - 1]
    adj, _ = dividend_adjusted_close(dates, close, dates[k : k + 1], np.array([div]))
    total = adj[1:] / adj[:-1] - 1
    price = close[1:] / close[:-1] - 1
    mask = np.ones(len(total), dtype=bool)
    mask[k - 1] = False
    np.testing.assert_allclose(total[mask], price[mask], rtol=1e-12, atol=1e-15)
    assert total[k - 1] == pytest.approx(close[k] / (close[k - 1] - div) - 1, rel=1e-12)
    assert adj[-1] == close[-1]


def test_raw_ticker_adj_close_matches_close_returns_off_ex_dates(sample_store, sample_dir) -> None:
    """On the real MSFT file: derived total returns equal price returns on every day
    without a dividend, and follow close_t / (close_{t-1} - div) on ex-dates."""
    prices = sample_store.prices(["MSFT"])
    divs = pd.read_csv(sample_dir / "dividends" / "MSFT.csv", parse_dates=["date"])
    close = prices["close"].to_numpy()
    adj = prices["adj_close"].to_numpy()
    dates = prices["date"].to_numpy()
    total = adj[1:] / adj[:-1] - 1
    price = close[1:] / close[:-1] - 1
    ex = np.isin(dates[1:], divs["date"].to_numpy())
    assert ex.sum() == len(divs)  # every MSFT ex-date in the file is a trading day
    np.testing.assert_allclose(total[~ex], price[~ex], rtol=1e-9, atol=1e-12)
    amount = divs.set_index("date")["dividend"].reindex(dates[1:][ex]).to_numpy()
    np.testing.assert_allclose(total[ex], close[1:][ex] / (close[:-1][ex] - amount) - 1, rtol=1e-9)
    assert adj[-1] == close[-1]
    assert prices["basis"].unique().tolist() == ["raw"]
