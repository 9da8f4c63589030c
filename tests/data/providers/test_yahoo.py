"""The yahoo provider on payloads in yfinance's real shape (no network)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aithesis.data.api import pull
from aithesis.data.providers import get_provider
from aithesis.data.providers.base import PriceQuery
from aithesis.data.providers.yahoo import YahooProvider
from aithesis.errors import ProviderError


def yfinance_frame(
    closes: list[float],
    dividends: dict[int, float] | None = None,
    tz: str = "America/New_York",
    start: str = "2024-03-01",
) -> pd.DataFrame:
    """What ``yfinance.Ticker(t).history(auto_adjust=False, actions=True)`` returns:
    a tz-aware DatetimeIndex named Date at local midnight, and these columns."""
    index = pd.DatetimeIndex(pd.bdate_range(start, periods=len(closes)), name="Date")
    index = index.tz_localize(tz)
    close = np.array(closes, dtype=float)
    div = np.zeros(len(close))
    for i, amount in (dividends or {}).items():
        div[i] = amount
    # Yahoo's Adj Close: the same dividend-factor convention, scaled to "today"
    factors = np.ones(len(close))
    for i, amount in (dividends or {}).items():
        factors[:i] *= 1 - amount / close[i - 1]
    return pd.DataFrame(
        {
            "Open": close * 0.99,
            "High": close * 1.01,
            "Low": close * 0.98,
            "Close": close,
            "Adj Close": close * factors * 0.97,
            "Volume": np.full(len(close), 1_000_000),
            "Dividends": div,
            "Stock Splits": np.zeros(len(close)),
        },
        index=index,
    )


def test_recorded_frame_maps_to_standard_rows_and_dividends() -> None:
    frames = {"MSFT": yfinance_frame([400, 404, 402, 410], {2: 0.75})}
    provider = YahooProvider(history=lambda t, s, e: frames[t])
    batch = provider.fetch(PriceQuery(tickers=("msft",)))
    prices = batch.prices
    assert prices["ticker"].unique().tolist() == ["MSFT"]
    assert prices["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-01",
        "2024-03-04",
        "2024-03-05",
        "2024-03-06",
    ]
    assert prices["basis"].unique().tolist() == ["raw"]
    assert prices["close"].tolist() == [400, 404, 402, 410]
    assert batch.dividends[["ticker", "amount"]].values.tolist() == [["MSFT", 0.75]]
    assert f"{batch.dividends['ex_date'].iloc[0]:%Y-%m-%d}" == "2024-03-05"
    assert batch.failures == {} and batch.warnings == {"MSFT": []}


def test_hong_kong_timestamps_keep_the_local_trading_date() -> None:
    frame = yfinance_frame([300, 301], tz="Asia/Hong_Kong", start="2024-03-01")
    batch = YahooProvider(history=lambda t, s, e: frame).fetch(PriceQuery(tickers=("0700.HK",)))
    assert batch.prices["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-01", "2024-03-04"]
    assert batch.prices["currency"].unique().tolist() == ["HKD"]


def test_derived_adj_close_disagreeing_with_yahoo_is_warned() -> None:
    frame = yfinance_frame([100, 101, 102, 103], {2: 1.0})
    frame.loc[frame.index[0], "Adj Close"] *= 1.05  # Yahoo's series says something else
    batch = YahooProvider(history=lambda t, s, e: frame).fetch(PriceQuery(tickers=("ABC",)))
    assert "differs from Yahoo's Adj Close" in batch.warnings["ABC"][0]


def test_empty_response_is_a_per_ticker_failure() -> None:
    frames = {"GOOD": yfinance_frame([10, 11]), "NOPE": yfinance_frame([])}
    batch = YahooProvider(history=lambda t, s, e: frames[t]).fetch(
        PriceQuery(tickers=("GOOD", "NOPE"))
    )
    assert batch.tickers == ["GOOD"]
    assert "NOPE" in batch.failures and "no rows returned" in batch.failures["NOPE"]


def test_bad_rows_in_a_response_fail_that_ticker_with_the_place() -> None:
    frame = yfinance_frame([10, 11, 12])
    frame.loc[frame.index[1], "Close"] = -1.0
    batch = YahooProvider(history=lambda t, s, e: frame).fetch(PriceQuery(tickers=("BAD",)))
    assert batch.tickers == []
    assert "yahoo:BAD:2" in batch.failures["BAD"] and "'close'" in batch.failures["BAD"]


def test_transient_errors_are_retried_then_reported() -> None:
    calls = {"n": 0}

    def flaky(ticker, start, end):
        calls["n"] += 1
        if calls["n"] < 3:
            raise TimeoutError("read timed out")
        return yfinance_frame([5, 6])

    batch = YahooProvider(history=flaky, retries=3, backoff=0.0).fetch(PriceQuery(tickers=("X",)))
    assert calls["n"] == 3 and batch.tickers == ["X"]

    def down(ticker, start, end):
        raise ConnectionError("network unreachable")

    batch = YahooProvider(history=down, retries=2, backoff=0.0).fetch(PriceQuery(tickers=("X",)))
    assert "after 2 attempts" in batch.failures["X"] and "ConnectionError" in batch.failures["X"]


def test_pull_keeps_the_good_tickers_and_lists_the_failures(tmp_store, monkeypatch) -> None:
    frames = {"AAA": yfinance_frame([10, 11, 12], {1: 0.5}), "BBB": yfinance_frame([20, 21])}

    def history(ticker, start, end):
        if ticker not in frames:
            raise ConnectionError("HTTP 404")
        return frames[ticker]

    monkeypatch.setattr("aithesis.data.providers.yahoo.yfinance_history", history)
    seen: list[tuple[str, bool]] = []
    report = pull(
        tmp_store,
        ["AAA", "ZZZ", "BBB"],
        provider="yahoo",
        on_ticker=lambda t, err: seen.append((t, err is None)),
        retries=1,
    )
    assert seen == [("AAA", True), ("ZZZ", False), ("BBB", True)]
    assert report.tickers == ["AAA", "BBB"] and list(report.failures) == ["ZZZ"]
    stored = tmp_store.prices(["AAA"])
    # adj_close derived from the pulled dividend: f = 1 - 0.5 / 10 on the first row
    assert stored["adj_close"].iloc[0] == pytest.approx(10 * (1 - 0.5 / 10))
    assert stored["adj_close"].iloc[-1] == 12


def test_unknown_provider_name_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="unknown provider 'bloomberg'"):
        get_provider("bloomberg")


def test_missing_yfinance_says_how_to_install(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_yf(name, *args, **kwargs):
        if name == "yfinance":
            raise ImportError("No module named 'yfinance'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yf)
    from aithesis.data.providers.yahoo import yfinance_history

    with pytest.raises(ProviderError, match=r"aithesis\[yahoo\]"):
        yfinance_history("AAPL", None, None)


@pytest.mark.live
def test_live_yahoo_pull_of_apple(tmp_store) -> None:
    """Opt-in: `pytest -m live` (needs network)."""
    report = pull(tmp_store, ["AAPL"], provider="yahoo")
    assert report.tickers == ["AAPL"] and report.rows["prices"] > 1000
