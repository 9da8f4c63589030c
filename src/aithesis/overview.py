"""Per-ticker overview of a store: last close and trailing total returns.

Returns are simple total returns in decimal, from ``adj_close``, computed by
:func:`aithesis.analytics.return_since`: a ticker that was not yet trading on the start
date gets NaN (never a return from a later first close).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aithesis.analytics import return_since
from aithesis.data.store import Store
from aithesis.errors import DataError

__all__ = ["CHATGPT_RELEASE", "EARLY_END_TOLERANCE_DAYS", "common_last_date", "price_summary"]

CHATGPT_RELEASE = pd.Timestamp("2022-11-30")  # article 002's base date
# a series "ends early" when its last date is more than this many calendar days before
# the date most series share (a week absorbs exchange holidays and time zones)
EARLY_END_TOLERANCE_DAYS = 7


def common_last_date(last_dates: Sequence[pd.Timestamp]) -> pd.Timestamp:
    """The last date most series share (the latest of them on a tie).

    >>> common_last_date([pd.Timestamp("2025-01-03")] * 2 + [pd.Timestamp("2024-06-28")])
    Timestamp('2025-01-03 00:00:00')

    Raises:
        DataError: no dates.
    """
    if len(last_dates) == 0:
        raise DataError("no series to compare", field="last_date")
    counts = pd.Series(pd.to_datetime(list(last_dates))).value_counts()
    top = counts[counts == counts.max()].index
    return pd.Timestamp(max(top))


def price_summary(
    store: Store, tickers: Sequence[str] | None = None, since: str | pd.Timestamp = CHATGPT_RELEASE
) -> pd.DataFrame:
    """Last close and trailing total returns per stored ticker.

    Returns:
        Frame indexed by ticker: ``first_date, last_date, last_close, currency, basis,
        ret_1y`` (from the last date back 365 calendar days) and ``ret_since`` (from
        ``since``), returns in decimal, and ``ends_early``: True when the last date is
        more than :data:`EARLY_END_TOLERANCE_DAYS` before :func:`common_last_date` (its
        1-year return then covers an earlier year than the others').

    Raises:
        DataError: ``since`` is not a date; UnknownTickerError: a ticker has no prices.
    """
    try:
        since_day = np.datetime64(pd.Timestamp(since).date())
    except (ValueError, TypeError) as exc:
        raise DataError(
            f"'{since}' is not a date ({exc})", field="since", hint="write dates as YYYY-MM-DD"
        ) from None
    tickers = list(tickers) if tickers is not None else store.tickers()
    frame = store.prices(tickers)
    rows = []
    for ticker, part in frame.groupby("ticker", sort=False):
        dates = part["date"].to_numpy().astype("datetime64[D]")
        adj = part["adj_close"].to_numpy(dtype=float)
        rows.append(
            {
                "ticker": ticker,
                "first_date": pd.Timestamp(dates[0]),
                "last_date": pd.Timestamp(dates[-1]),
                "last_close": float(part["close"].iloc[-1]),
                "currency": part["currency"].iloc[-1],
                "basis": part["basis"].iloc[-1],
                "ret_1y": return_since(dates, adj, dates[-1] - np.timedelta64(365, "D")),
                "ret_since": return_since(dates, adj, since_day),
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
    table = pd.DataFrame(rows, columns=columns).set_index("ticker")
    if len(table):
        cutoff = common_last_date(table["last_date"]) - pd.Timedelta(days=EARLY_END_TOLERANCE_DAYS)
        table["ends_early"] = table["last_date"] < cutoff
    else:
        table["ends_early"] = pd.Series(dtype=bool)
    return table
