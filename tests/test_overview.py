"""Trailing returns of the demo table, checked against the raw files by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aithesis.overview import price_summary


def test_since_chatgpt_return_of_a_non_dividend_payer_equals_the_close_ratio(
    sample_store, sample_dir
) -> None:
    raw = pd.read_csv(sample_dir / "prices" / "AMZN.csv", parse_dates=["date"]).set_index("date")
    assert pd.read_csv(sample_dir / "dividends" / "AMZN.csv").empty
    expected_since = raw["close"].iloc[-1] / raw.loc["2022-11-30", "close"] - 1
    last = raw.index[-1]
    year_ago = raw.loc[: last - pd.Timedelta(days=365), "close"].iloc[-1]
    summary = price_summary(sample_store, ["AMZN"])
    assert summary.at["AMZN", "ret_since"] == pytest.approx(expected_since, rel=1e-12)
    assert summary.at["AMZN", "ret_1y"] == pytest.approx(
        raw["close"].iloc[-1] / year_ago - 1, rel=1e-12
    )
    assert summary.at["AMZN", "last_close"] == raw["close"].iloc[-1]


def test_dividend_payer_total_return_exceeds_its_price_return(sample_store, sample_dir) -> None:
    raw = pd.read_csv(sample_dir / "prices" / "MSFT.csv", parse_dates=["date"]).set_index("date")
    price_only = raw["close"].iloc[-1] / raw.loc["2022-11-30", "close"] - 1
    total = price_summary(sample_store, ["MSFT"]).at["MSFT", "ret_since"]
    divs = pd.read_csv(sample_dir / "dividends" / "MSFT.csv", parse_dates=["date"])
    paid = divs.loc[divs["date"] > "2022-11-30", "dividend"].sum()
    assert paid > 0
    # reinvested dividends add at least the cash yield on the start price, less than 2x it
    extra = total - price_only
    floor = paid / raw.loc["2022-11-30", "close"]
    assert floor * 0.9 < extra < floor * 2.5


def test_ticker_not_trading_at_the_start_date_gets_nan(sample_store) -> None:
    summary = price_summary(sample_store, ["CEG"], since="2021-01-04")
    assert np.isnan(summary.at["CEG", "ret_since"])


def test_since_that_is_not_a_date_is_a_data_error(sample_store) -> None:
    from aithesis.errors import DataError

    with pytest.raises(DataError, match="'2022-13-01' is not a date"):
        price_summary(sample_store, ["AMZN"], since="2022-13-01")
