"""Data coverage of an index's constituents: who has prices when, and who ends early.

Pure functions over the arrays a build uses (no I/O). A constituent whose last price
comes before the index's last date is sold by the engine at its last close and the
proceeds go to the other holdings (:func:`aithesis.index.engine.run_index`); the
methodology's ``on_data_end`` says whether that is allowed (``sell``, always warned) or
refused (``error``). The sample data's files end on different dates, and a failed
provider pull looks the same, so a build always says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["COVERAGE_COLUMNS", "DataEnd", "coverage_table", "data_end_warning", "data_ends"]

COVERAGE_COLUMNS: tuple[str, ...] = (
    "ticker",
    "first",
    "last",
    "days",
    "days_missing",
    "ends_early",
)


@dataclass(frozen=True)
class DataEnd:
    """A constituent whose data stop before the index's last date.

    Attributes:
        ticker: the name; last: its last date with a price; end: the index's last date.
    """

    ticker: str
    last: str
    end: str


def _days(dates: np.ndarray) -> np.ndarray:
    return np.asarray(dates).astype("datetime64[D]")


def coverage_table(dates: np.ndarray, tickers: Sequence[str], prices: np.ndarray) -> pd.DataFrame:
    """One row per constituent: its first and last date with a price in the index window,
    the index dates it has a price on, the index dates it has none on, and whether its
    data end before the index does.

    Args:
        dates: ``(T,)`` index dates; tickers: ``N`` names; prices: ``(T, N)``, NaN
            where a name has no price of its own on an index date.

    Returns:
        DataFrame with :data:`COVERAGE_COLUMNS`: ``first``/``last`` ISO dates (None for
        a name without any price in the window), ``days`` + ``days_missing`` = ``T``
        (a day missing inside the window, e.g. another market's holiday, is carried at
        the previous close by the engine).

    >>> import numpy as np
    >>> d = np.array(["2024-01-02", "2024-01-03", "2024-01-04"], dtype="datetime64[D]")
    >>> p = np.array([[1.0, 2.0], [1.1, np.nan], [1.2, np.nan]])
    >>> coverage_table(d, ["A", "B"], p)[["ticker", "last", "days_missing", "ends_early"]]
      ticker        last  days_missing  ends_early
    0      A  2024-01-04             0       False
    1      B  2024-01-02             2        True
    """
    day = _days(dates)
    valid = ~np.isnan(np.asarray(prices, dtype=np.float64))
    t_rows = valid.shape[0]
    rows = []
    for j, ticker in enumerate(tickers):
        have = np.flatnonzero(valid[:, j])
        first = str(day[have[0]]) if have.size else None
        last = str(day[have[-1]]) if have.size else None
        rows.append(
            {
                "ticker": ticker,
                "first": first,
                "last": last,
                "days": int(have.size),
                "days_missing": int(t_rows - have.size),
                "ends_early": bool(have.size and have[-1] < t_rows - 1),
            }
        )
    frame = pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))
    for column in ("first", "last"):  # None (not NaN) for a name without prices
        frame[column] = pd.Series([r[column] for r in rows], index=frame.index, dtype=object)
    return frame


def data_ends(dates: np.ndarray, tickers: Sequence[str], prices: np.ndarray) -> list[DataEnd]:
    """The constituents whose data end before the index's last date, in column order."""
    if not len(dates):
        return []
    table = coverage_table(dates, tickers, prices)
    end = str(_days(dates)[-1])
    return [DataEnd(r.ticker, r.last, end) for r in table.itertuples() if r.ends_early]


def data_end_warning(event: DataEnd) -> str:
    """The build warning for one :class:`DataEnd` (``on_data_end: sell``)."""
    return (
        f"{event.ticker}: data end on {event.last}, before the index's last date "
        f"{event.end}; sold at its last close and the proceeds shared among the other "
        "holdings pro rata (on_data_end: sell; use error to refuse)"
    )
