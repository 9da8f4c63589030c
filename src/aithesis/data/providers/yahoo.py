"""``yahoo``: daily prices and dividends through yfinance (optional extra ``yahoo``).

yfinance's ``Ticker.history(auto_adjust=False, actions=True)`` returns a frame indexed
by the exchange-local timestamp (tz-aware, named ``Date``) with columns ``Open, High,
Low, Close, Adj Close, Volume, Dividends, Stock Splits`` (and ``Capital Gains`` for
funds). ``Close`` is split-adjusted but not dividend-adjusted, so rows are stored with
basis ``raw`` and the dividends go to the ``dividends`` table; the store derives
``adj_close`` from them (Yahoo's own convention), which keeps one rule for every
source. Yahoo's ``Adj Close`` is used as a check: a derived series that strays from it
by more than 1e-4 (after allowing one constant factor: Yahoo scales to today) earns a
warning.

Install with ``pip install 'aithesis[yahoo]'``. Tests feed recorded frames through an
injected ``history`` function; the real call runs only under ``pytest -m live``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from aithesis.data.adjust import dividend_adjusted_close
from aithesis.data.providers.base import PriceQuery, Provider, ProviderBatch
from aithesis.data.schema import PRICE_COLUMNS
from aithesis.data.validate import check_prices
from aithesis.errors import AithesisError, ProviderError
from aithesis.markets import currency_of

__all__ = ["HistoryFn", "YahooProvider", "yfinance_history"]

HistoryFn = Callable[[str, date | None, date | None], pd.DataFrame]

_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "yahoo_adj_close",
    "Volume": "volume",
    "Dividends": "dividend",
}


def yfinance_history(ticker: str, start: date | None, end: date | None) -> pd.DataFrame:
    """The real call: ``yfinance.Ticker(ticker).history(...)`` (network)."""
    try:
        import yfinance
    except ImportError as exc:
        raise ProviderError(
            "the yahoo provider needs yfinance",
            field="provider",
            hint="pip install 'aithesis[yahoo]'",
        ) from exc
    kwargs: dict[str, Any] = {"auto_adjust": False, "actions": True}
    if start is None and end is None:
        kwargs["period"] = "max"
    else:
        kwargs["start"] = start
        kwargs["end"] = (
            None if end is None else end + timedelta(days=1)
        )  # yfinance end is exclusive
    with _quiet_yfinance() as noise:
        frame = yfinance.Ticker(ticker).history(**kwargs)
    said = " ".join(noise)
    if (frame is None or len(frame) == 0) and any(m in said for m in _NO_NETWORK):
        raise ProviderError(
            f"cannot reach Yahoo Finance for {ticker} (no network?)",
            hint="check the network connection and try again; nothing was stored",
        )
    return frame


# what yfinance/curl say when the network is down (DNS or connection failure)
_NO_NETWORK = ("Could not resolve host", "DNSError", "Failed to connect", "Connection refused")


@contextlib.contextmanager
def _quiet_yfinance() -> Iterator[list[str]]:
    """Collect what yfinance logs or prints during a call instead of showing it (it writes
    a dozen lines per ticker when offline); yields the collected messages."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("yfinance")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers, logger.propagate = [_Collect()], False
    logger.setLevel(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield messages
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
        messages.extend(x for x in (out.getvalue(), err.getvalue()) if x)


class YahooProvider(Provider):
    """Yahoo Finance through yfinance, one ticker per request, retried.

    Args:
        history: function ``(ticker, start, end) -> frame`` in yfinance's shape; the
            default calls yfinance (tests inject recorded frames).
        retries: attempts per ticker for transient failures.
        backoff: seconds before the first retry (doubles each time).
    """

    name = "yahoo"

    def __init__(
        self, history: HistoryFn | None = None, *, retries: int = 3, backoff: float = 1.0
    ) -> None:
        self.history = history or yfinance_history
        self.retries = max(1, int(retries))
        self.backoff = float(backoff)

    def transform_query(self, query: PriceQuery) -> PriceQuery:
        if not query.tickers:
            raise ProviderError(
                "the yahoo provider needs tickers",
                field="tickers",
                hint="name them: aithesis data pull --provider yahoo NVDA AMD",
            )
        return PriceQuery(
            tickers=tuple(t.strip().upper() for t in query.tickers),
            start=query.start,
            end=query.end,
        )

    def extract(self, params: PriceQuery) -> dict[str, pd.DataFrame | str]:
        raw: dict[str, pd.DataFrame | str] = {}
        for ticker in params.tickers or ():
            delay = self.backoff
            for attempt in range(1, self.retries + 1):
                try:
                    raw[ticker] = self.history(ticker, params.start, params.end)
                    break
                except AithesisError:
                    raise
                except Exception as exc:  # yfinance/curl raise many types
                    if attempt == self.retries:
                        raw[ticker] = (
                            f"yahoo: {ticker}: request failed after {attempt} "
                            f"attempts ({type(exc).__name__}: {exc})"
                        )
                    else:
                        time.sleep(delay)
                        delay *= 2
        return raw

    def transform_data(
        self, raw: dict[str, pd.DataFrame | str], query: PriceQuery
    ) -> ProviderBatch:
        batch = ProviderBatch()
        prices, dividends = [], []
        for ticker, payload in raw.items():
            if isinstance(payload, str):
                batch.failures[ticker] = payload
                continue
            try:
                frame, divs, warnings = self._one(ticker, payload)
            except AithesisError as exc:
                batch.failures[ticker] = str(exc)
                continue
            prices.append(frame)
            dividends.append(divs)
            batch.dividends_for.add(ticker)  # Yahoo reports every dividend in the window
            batch.warnings[ticker] = warnings  # empty too: clears stale warnings
        if prices:
            batch.prices = pd.concat(prices, ignore_index=True)
            batch.dividends = pd.concat(dividends, ignore_index=True)
        return batch

    @staticmethod
    def _one(ticker: str, payload: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        label = f"yahoo:{ticker}"
        if payload is None or len(payload) == 0:
            raise ProviderError(
                "no rows returned (unknown or delisted symbol, or no network?)",
                file=label,
                hint="check the symbol on Yahoo Finance (e.g. 0700.HK, 600519.SS) and the "
                "network connection",
            )
        missing = [c for c in ("Open", "High", "Low", "Close") if c not in payload.columns]
        if missing:
            raise ProviderError(
                f"response lacks column '{missing[0]}'",
                file=label,
                field=missing[0],
                hint="yfinance changed shape; update aithesis",
            )
        index = pd.DatetimeIndex(payload.index)
        local = index.tz_localize(None) if index.tz is not None else index
        frame = pd.DataFrame({"date": local.normalize(), "_line": np.arange(len(payload)) + 1})
        for source, target in _COLUMNS.items():
            frame[target] = (
                pd.to_numeric(payload[source], errors="coerce").to_numpy(dtype=float)
                if source in payload
                else np.nan
            )
        # dividends first: yfinance puts some on rows without prices (adjust.py moves a
        # dividend dated on a non-trading day to the next trading day)
        divs = frame.loc[frame["dividend"].fillna(0) > 0, ["date", "dividend"]]
        frame = frame.loc[frame["close"].notna()].reset_index(drop=True)  # Yahoo's null bars
        if frame.empty:
            raise ProviderError("every row has an empty close", file=label)
        checked, warnings = check_prices(
            frame.drop(columns=["yahoo_adj_close", "dividend"]).assign(adj_close=np.nan), file=label
        )
        out = checked.drop(columns="_line")
        out.insert(0, "ticker", ticker)
        out["currency"] = currency_of(ticker)
        out["basis"] = "raw"
        out["source"] = "yahoo"
        warnings += YahooProvider._check_adj(ticker, frame, divs)
        div_frame = pd.DataFrame(
            {
                "ticker": ticker,
                "ex_date": divs["date"].to_numpy(),
                "amount": divs["dividend"].to_numpy(),
                "currency": currency_of(ticker),
                "source": "yahoo",
            }
        )
        return out.loc[:, list(PRICE_COLUMNS)], div_frame, warnings

    @staticmethod
    def _check_adj(ticker: str, frame: pd.DataFrame, divs: pd.DataFrame) -> list[str]:
        theirs = frame["yahoo_adj_close"].to_numpy()
        if np.isnan(theirs).all() or len(frame) < 2:
            return []
        ours, _ = dividend_adjusted_close(
            frame["date"].to_numpy().astype("datetime64[D]"),
            frame["close"].to_numpy(),
            divs["date"].to_numpy().astype("datetime64[D]"),
            divs["dividend"].to_numpy(),
            ticker=ticker,
        )
        ok = ~np.isnan(theirs)
        # Yahoo scales to dividends up to today (even past the window): compare the
        # ratio's drift, not its level
        ratio = ours[ok] / theirs[ok]
        rel = np.abs(ratio / ratio[-1] - 1.0)
        if rel.size and np.nanmax(rel) > 1e-4:
            return [
                f"yahoo:{ticker}: derived adj_close differs from Yahoo's Adj Close by up to "
                f"{np.nanmax(rel):.2e} (relative); check the dividends"
            ]
        return []
