"""Per-ticker price summaries read from the store (last price, trailing returns).

Returns are simple total returns in decimal, from ``adj_close``: ``p_end / p_start - 1``
where ``p_start`` is the last close on or before the start date. A ticker that was not
yet trading on the start date gets NaN (never a return from a later first close).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aithesis.data.store import Store

__all__ = ["CHATGPT_RELEASE", "price_summary"]

CHATGPT_RELEASE = pd.Timestamp("2022-11-30")  # article 002's base date


def _value_on_or_before(dates: np.ndarray, values: np.ndarray, when: np.datetime64) -> float:
    i = np.searchsorted(dates, when, side="right") - 1
    return float(values[i]) if i >= 0 else float("nan")


def price_summary(
    store: Store, tickers: Sequence[str] | None = None, since: str | pd.Timestamp = CHATGPT_RELEASE
) -> pd.DataFrame:
    """Last close and trailing total returns per stored ticker.

    Returns:
        Frame indexed by ticker: ``first_date, last_date, last_close, currency, basis,
        ret_1y`` (from the last date back 365 calendar days) and ``ret_since`` (from
        ``since``), returns in decimal.
    """
    tickers = list(tickers) if tickers is not None else store.tickers()
    frame = store.prices(tickers)
    since_ts = np.datetime64(pd.Timestamp(since).date())
    rows = []
    for ticker, part in frame.groupby("ticker", sort=False):
        dates = part["date"].to_numpy().astype("datetime64[D]")
        adj = part["adj_close"].to_numpy(dtype=float)
        last = dates[-1]
        rows.append(
            {
                "ticker": ticker,
                "first_date": pd.Timestamp(dates[0]),
                "last_date": pd.Timestamp(last),
                "last_close": float(part["close"].iloc[-1]),
                "currency": part["currency"].iloc[-1],
                "basis": part["basis"].iloc[-1],
                "ret_1y": adj[-1] / _value_on_or_before(dates, adj, last - np.timedelta64(365, "D"))
                - 1.0,
                "ret_since": adj[-1] / _value_on_or_before(dates, adj, since_ts) - 1.0,
            }
        )
    columns = [
        "ticker",
        "first_date",
        "last_date",
        "last_close",
        "currency",
        "basis",
        "ret_1y",
        "ret_since",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("ticker")
