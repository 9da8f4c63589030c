"""Reporting-period labels: parse, shift, and place them on the calendar.

Grammar (case-insensitive on input, canonical upper case on output):

``2025Q1``    calendar quarter        ``FY2026Q1``  fiscal quarter (company's own year)
``2025H1``    calendar half-year      ``FY2026H1``  fiscal half-year
``2025``      calendar year           ``FY2025``    fiscal year

A fiscal year is named for the calendar year in which it *ends* (NVIDIA's year to
2026-01-25 is ``FY2026``; Microsoft's year to 2024-06-30 is ``FY2024``). Calendar periods
have known bounds; fiscal periods need the fact's ``period_end`` to be placed on the
calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "calendar_bounds",
    "calendar_label",
    "parse_period",
    "period_bounds",
    "shift",
]

MIN_YEAR: int = 1900
MAX_YEAR: int = 2200
_RE = re.compile(r"^(FY)?([0-9]{4})(?:([QH])([1-4]))?$", re.ASCII)


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period label.

    Attributes:
        fiscal: True for ``FY``-prefixed labels.
        year: the (fiscal) year.
        freq: ``Q`` quarter, ``H`` half-year, ``Y`` year.
        index: quarter 1-4, half 1-2, 0 for a year.
    """

    fiscal: bool
    year: int
    freq: str
    index: int

    @property
    def label(self) -> str:
        """Canonical label, e.g. ``FY2026Q1`` or ``2025``."""
        head = f"FY{self.year}" if self.fiscal else f"{self.year}"
        return head if self.freq == "Y" else f"{head}{self.freq}{self.index}"

    @property
    def per_year(self) -> int:
        """How many such periods make a year (4, 2 or 1)."""
        return {"Q": 4, "H": 2, "Y": 1}[self.freq]

    def ordinal(self) -> int:
        """Position on a per-frequency integer line (consecutive periods differ by 1)."""
        return self.year * self.per_year + max(self.index, 1) - 1


def parse_period(text: str) -> Period:
    """Parse a period label.

    >>> parse_period("fy2026q1").label
    'FY2026Q1'

    Raises:
        ValueError: the text is not a period label, or its year lies outside
            MIN_YEAR..MAX_YEAR (callers add file/row).
    """
    text = str(text)
    match = _RE.match(text.strip().upper())
    if len(text) > 40:
        text = text[:40] + "..."
    if not match:
        raise ValueError(
            f"period {text!r} does not parse; "
            "use 2025Q1, 2025H1, 2025, FY2026Q1, FY2026H1 or FY2025"
        )
    fiscal, year, freq, index = match.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValueError(
            f"period {text!r}: year {year} is outside {MIN_YEAR}..{MAX_YEAR}; "
            "write the four-digit year of the report, e.g. 2025Q1"
        )
    if freq == "H" and int(index) > 2:
        raise ValueError(f"period {text!r} does not parse: a year has two halves")
    return Period(bool(fiscal), int(year), freq or "Y", int(index) if index else 0)


def shift(period: Period, steps: int) -> Period:
    """The period ``steps`` periods later (negative: earlier), same frequency and kind.

    >>> shift(parse_period("2025Q1"), -1).label
    '2024Q4'
    """
    ordinal = period.ordinal() + steps
    year, pos = divmod(ordinal, period.per_year)
    return Period(period.fiscal, year, period.freq, 0 if period.freq == "Y" else pos + 1)


def calendar_bounds(period: Period) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar period.

    Raises:
        ValueError: for a fiscal period (its bounds depend on the company).
    """
    if period.fiscal:
        raise ValueError(f"{period.label} is a fiscal period; its dates need the fact's period_end")
    if period.freq == "Y":
        return dt.date(period.year, 1, 1), dt.date(period.year, 12, 31)
    months = 12 // period.per_year
    first_month = (period.index - 1) * months + 1
    start = dt.date(period.year, first_month, 1)
    end = (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    return start, end


def period_bounds(
    period: Period, period_start: dt.date | None, period_end: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """Best known (start, end) of a fact: stated dates, else calendar bounds, else a span
    of the period's length ending at ``period_end``.

    Returns (None, None) for a fiscal period with no dates.
    """
    if period_start is not None and period_end is not None:
        return period_start, period_end
    if not period.fiscal:
        start, end = calendar_bounds(period)
        return period_start or start, period_end or end
    if period_end is None:
        return None, None
    months = 12 // period.per_year
    start = (pd.Timestamp(period_end) - pd.DateOffset(months=months) + pd.Timedelta(days=1)).date()
    return start, period_end


def calendar_label(start: dt.date, end: dt.date, freq: str) -> str:
    """The calendar quarter/half/year holding the midpoint of [start, end].

    NVIDIA's quarter 2025-01-27..2025-04-27 has its midpoint on 2025-03-13, so it is
    placed in ``2025Q1`` (the usual convention for calendarising fiscal quarters).

    >>> calendar_label(dt.date(2025, 1, 27), dt.date(2025, 4, 27), "Q")
    '2025Q1'
    """
    mid = start + (end - start) / 2
    if freq == "Y":
        return f"{mid.year}"
    per = {"Q": 3, "H": 6}[freq]
    return f"{mid.year}{freq}{(mid.month - 1) // per + 1}"
