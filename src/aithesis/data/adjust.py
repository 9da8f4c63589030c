"""Derive a total-return ``adj_close`` from closes and cash dividends (Yahoo's convention).

Yahoo's dividend-factor convention: on each ex-date ``t`` every earlier price is
multiplied by ``f_t = 1 - div_t / close_{t-1}``. Hence::

    adj_close_i = close_i * prod_{t > i} f_t

and the total return on an ex-date is ``close_t / (close_{t-1} - div_t) - 1`` while on
every other day it equals the price return ``close_t / close_{t-1} - 1``. The latest
``adj_close`` equals the latest ``close``. This reproduces Yahoo's Adj Close to about
1e-7 over a decade, and is how the sample data's ``auto_adjusted`` files were made.

Edge cases, by rule:
- a dividend dated on a day with no price row (weekend, holiday, data gap) applies on
  the next trading day in the series (the first close that trades ex-dividend);
- dividends that land on the same trading day are summed;
- a dividend on the first row, or before it, adjusts nothing (there is no earlier price);
- a dividend after the last row is not yet in the prices and is ignored (reported);
- a dividend at or above the previous close would make a factor <= 0: a DataError.
"""

from __future__ import annotations

import numpy as np

from aithesis.errors import DataError

__all__ = ["dividend_adjusted_close", "dividend_factors"]


def dividend_factors(
    dates: np.ndarray,
    close: np.ndarray,
    ex_dates: np.ndarray,
    amounts: np.ndarray,
    *,
    ticker: str = "",
) -> tuple[np.ndarray, list[str]]:
    """Per-row dividend factors ``f_t`` (1.0 on days without a dividend).

    Args:
        dates: trading dates, sorted ascending (datetime64).
        close: closes (split-adjusted, not dividend-adjusted), same length.
        ex_dates: dividend ex-dates (datetime64), any order.
        amounts: cash per share in the price currency, split-adjusted, same length.
        ticker: for messages.

    Returns:
        ``(factors, notes)``: factors aligned with ``dates``; notes list ignored dividends.

    Raises:
        DataError: when a dividend is >= the previous close.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    close = np.asarray(close, dtype=float)
    factors = np.ones(close.shape[0])
    notes: list[str] = []
    if len(ex_dates) == 0 or close.size == 0:
        return factors, notes
    ex = np.asarray(ex_dates, dtype="datetime64[D]")
    amt = np.asarray(amounts, dtype=float)
    pos = np.searchsorted(dates, ex, side="left")  # next trading day on or after ex-date
    after_end = pos >= dates.size
    for when in ex[after_end]:
        notes.append(f"{ticker}: dividend on {when} is after the last price row; ignored")
    keep = (~after_end) & (pos > 0)
    if not keep.any():
        return factors, notes
    per_day = np.zeros(close.shape[0])
    np.add.at(per_day, pos[keep], amt[keep])
    rows = np.flatnonzero(per_day)
    prev_close = close[rows - 1]
    ratio = per_day[rows] / prev_close
    bad = ratio >= 1.0
    if bad.any():
        k = rows[np.flatnonzero(bad)[0]]
        raise DataError(
            f"dividend {per_day[k]:g} on {dates[k]} is not below the previous close "
            f"{close[k - 1]:g}",
            file=ticker or None,
            field="dividend",
            hint="check the dividend's units and split adjustment",
        )
    factors[rows] = 1.0 - ratio
    return factors, notes


def dividend_adjusted_close(
    dates: np.ndarray,
    close: np.ndarray,
    ex_dates: np.ndarray,
    amounts: np.ndarray,
    *,
    ticker: str = "",
) -> tuple[np.ndarray, list[str]]:
    """Total-return ``adj_close`` for one ticker, by Yahoo's dividend-factor convention.

    Example:
        closes 10, 11, 12 with a 1.0 dividend going ex on day 3: ``f = 1 - 1/11``, so
        ``adj = [10*f, 11*f, 12]`` and the day-3 return is ``12 / (11 - 1) - 1 = 20%``.

    Returns:
        ``(adj_close, notes)`` with ``adj_close`` aligned to ``dates``.
    """
    factors, notes = dividend_factors(dates, close, ex_dates, amounts, ticker=ticker)
    # multiplier_i = prod_{t > i} f_t: reverse cumulative product, shifted by one row
    suffix = np.cumprod(factors[::-1])[::-1]
    multiplier = np.ones_like(factors)
    multiplier[:-1] = suffix[1:]
    return np.asarray(close, dtype=float) * multiplier, notes
