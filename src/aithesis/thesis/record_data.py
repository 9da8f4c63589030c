"""The record a record claim is judged against: series passed in, figures read out (no I/O).

A caller (:mod:`aithesis.thesis.record_api`) fetches what a claim's data functions name
and hands it over as :class:`RecordData`; everything here is pure NumPy over those arrays.

Conventions (each stated where it applies):

* **Trading-day alignment**: a date means the last close at or before it. A date before a
  series' first close is an error, never silently moved forward.
* **close(T, d)**: the stored ``close`` (split-adjusted to the download date; for ``raw``
  tickers not dividend-adjusted), in the listing's currency.
* **total_return(T, start, end)**: total-return basis, ``adj_close(end) / adj_close(start)
  - 1`` in decimal; ``adj_close`` is split- and dividend-adjusted (dividends reinvested on
  the ex-date; the store derives it for ``raw`` tickers, for ``auto_adjusted`` ones it is
  the close). A year ``2025`` means from the last close of 2024 to the last close of 2025.
* **market_cap(T, d)**: ``close(T, d) x shares``, in USD, where ``shares`` is
  ``dei:EntityCommonStockSharesOutstanding`` of the latest filing cover date at or before
  ``d`` (and filed by the as-of date), **restated to the price basis**: stored prices are
  split-adjusted to today, filed counts are not, so every count before a split is
  multiplied by the split ratio. Ratios come from the filings'
  ``us-gaap:StockholdersEquityNoteStockSplitConversionRatio1`` facts; each split (facts of
  one ratio within :data:`SPLIT_WINDOW_DAYS` of each other) is placed at the jump in the
  filed counts nearest its fact date whose size is within a factor 1.5 of the ratio.
* **index_level(name, d)**: the level (index points, ``base_value`` at the base date) of
  a built-in index (``agix``, ``ai-infra``) or a project index at the last close at or
  before ``d``; the caller builds it over the store and passes the levels in (a level
  depends on data up to its date only, so "as of" cuts the series there).
* **kpi(entity, metric, period)**: the fundamentals fact of that fiscal period (``FY2025``
  or a year ``2025`` for ``FY2025``) filed last by the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from aithesis.errors import DataError

__all__ = [
    "SPLIT_WINDOW_DAYS",
    "KpiFact",
    "PriceSeries",
    "RecordData",
    "SharesSeries",
    "split_adjusted",
]

SPLIT_WINDOW_DAYS = 400


def _d64(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


@dataclass(frozen=True)
class PriceSeries:
    """One ticker's daily closes: ``dates`` ascending ``datetime64[D]``, ``close`` and
    ``total`` (adj_close, total-return basis) float64, ``basis`` as stored."""

    ticker: str
    dates: np.ndarray
    close: np.ndarray
    total: np.ndarray
    basis: str = ""
    currency: str = ""

    def upto(self, as_of: dt.date) -> PriceSeries:
        """The series as it stood on ``as_of`` (closes on or before it)."""
        n = int(np.searchsorted(self.dates, _d64(as_of), side="right"))
        return PriceSeries(
            self.ticker,
            self.dates[:n],
            self.close[:n],
            self.total[:n],
            self.basis,
            self.currency,
        )

    def index_at(self, day: dt.date) -> int:
        """Position of the last close at or before ``day``.

        Raises:
            DataError: ``day`` is before the first close (or the series is empty).
        """
        i = int(np.searchsorted(self.dates, _d64(day), side="right")) - 1
        if i < 0:
            first = str(self.dates[0]) if self.dates.size else "none"
            raise DataError(
                f"{day} is before the data of {self.ticker} (first close {first})",
                hint="pick a later date",
            )
        return i


def split_adjusted(
    dates: np.ndarray, shares: np.ndarray, splits: list[tuple[dt.date, float]]
) -> tuple[np.ndarray, list[str]]:
    """Filed share counts restated to today's basis (see the module docstring).

    Args:
        dates: cover dates, ascending ``datetime64[D]``; shares: counts as filed.
        splits: ``(fact date, ratio)`` pairs of the split-ratio facts (repeats allowed).

    Returns:
        ``(adjusted counts, notes)``; a note says where each split was placed, or that a
        ratio matched no jump in the counts (then nothing is adjusted for it).
    """
    out = np.asarray(shares, dtype=np.float64).copy()
    notes: list[str] = []
    events: list[tuple[dt.date, float]] = []
    for day, ratio in sorted(splits):
        if ratio <= 1:
            continue
        if events and events[-1][1] == ratio and (day - events[-1][0]).days <= SPLIT_WINDOW_DAYS:
            continue
        events.append((day, ratio))
    if out.size < 2:
        return out, notes
    jumps = np.log(out[1:] / out[:-1])
    for day, ratio in events:
        near = np.abs(jumps - np.log(ratio)) <= np.log(1.5)
        if not near.any():
            notes.append(f"split {ratio:g}:1 ({day}) matches no jump in the filed counts")
            continue
        candidates = np.flatnonzero(near)
        gaps = np.abs((dates[candidates + 1] - _d64(day)).astype(np.int64))
        i = int(candidates[np.argmin(gaps)])
        out[: i + 1] *= ratio
        notes.append(f"split {ratio:g}:1 placed between cover dates {dates[i]} and {dates[i + 1]}")
    return out, notes


@dataclass(frozen=True)
class SharesSeries:
    """Shares outstanding per filing cover date: ``dates`` (cover), ``filed`` (both
    ``datetime64[D]``, ascending by cover date), ``shares`` as filed and ``adjusted``
    (restated to the price basis by :func:`split_adjusted`)."""

    ticker: str
    dates: np.ndarray
    filed: np.ndarray
    shares: np.ndarray
    adjusted: np.ndarray
    notes: tuple[str, ...] = ()

    def at(self, days: np.ndarray, as_of: dt.date) -> np.ndarray:
        """Adjusted count of the latest cover date at or before each day among filings
        filed by ``as_of``; NaN where there is none."""
        keep = self.filed <= _d64(as_of)
        dates, values = self.dates[keep], self.adjusted[keep]
        pos = np.searchsorted(dates, days, side="right") - 1
        out = np.where(pos >= 0, values[np.maximum(pos, 0)] if values.size else np.nan, np.nan)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class KpiFact:
    """One fundamentals fact: value in ``unit`` (USD for money), filed on ``as_of``."""

    entity: str
    metric: str
    fiscal_period: str
    value: float
    unit: str
    as_of: dt.date


@dataclass
class RecordData:
    """What the caller fetched for a set of record claims.

    ``prices``/``shares`` by upper-case ticker; ``kpis`` every fact of the entities asked
    for; ``known`` tickers the store holds at all (to tell an unknown ticker from a missing
    series); ``latest`` the last date of the record (the "since" judgement's as-of date);
    ``missing`` what could not be fetched, by ticker, with the reason; ``indexes`` index
    levels by name (a :class:`PriceSeries` whose ``close`` and ``total`` are the level).
    """

    prices: dict[str, PriceSeries] = field(default_factory=dict)
    shares: dict[str, SharesSeries] = field(default_factory=dict)
    kpis: list[KpiFact] = field(default_factory=list)
    latest: dt.date | None = None
    missing: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    indexes: dict[str, PriceSeries] = field(default_factory=dict)
