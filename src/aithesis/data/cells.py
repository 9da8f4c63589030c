"""Cell-level parsing shared by the CSV readers and the validators: dates, missing markers.

Dates
    ``YYYY-MM-DD``, optionally followed by a time (``T`` or a space, ``HH:MM[:SS[.f]]``)
    and a UTC offset (``Z``, ``+08:00``, ``-0500``). Anything else after the date
    (``2023-01-03garbage``) is refused. A time with an offset is converted to the
    exchange's local date (the ticker's time zone, :func:`aithesis.markets.timezone_of`):
    ``2023-01-03T20:00Z`` for ``0700.HK`` is 2023-01-04 04:00 in Hong Kong, so the
    trading date is 2023-01-04, as a timezone-aware Parquet column gives. A time without
    an offset is taken as local already (its date is kept). Dates must lie in
    1677-09-22 .. 2262-04-11 (what a nanosecond timestamp holds).

Missing-value markers
    ``null``, ``NA``, ``N/A``, ``#N/A``, ``NaN``, ``None`` and pandas' other default NA
    strings (any case) in a number column mean "no value". They are read as empty cells
    and counted (the import says how many per column), or refused under ``--strict``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DATE_MAX", "DATE_MIN", "NA_MARKERS", "is_na_marker", "parse_date_text"]

DATE_MIN = "1677-09-22"  # first and last whole days a datetime64[ns] holds
DATE_MAX = "2262-04-11"
NA_MARKERS = frozenset(
    s.lower()
    for s in (
        "null",
        "NA",
        "N/A",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "NaN",
        "-NaN",
        "None",
        "<NA>",
        "1.#IND",
        "-1.#IND",
        "1.#QNAN",
        "-1.#QNAN",
    )
)

_SHAPE = (
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_ZONE = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$"


def is_na_marker(text: pd.Series) -> np.ndarray:
    """Boolean mask: the (stripped) cell is a missing-value marker such as ``null``."""
    return text.astype("string").str.strip().str.lower().isin(NA_MARKERS).to_numpy(dtype=bool)


def parse_date_text(
    text: pd.Series, tz: str | None = None
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse date cells (module docstring) into exchange-local trading dates.

    Args:
        text: the cells as strings (NA for a missing cell).
        tz: the exchange's IANA time zone, for cells with a UTC offset; None keeps the
            written date.

    Returns:
        ``(dates, bad, out_of_range)``: ``datetime64[ns]`` dates (NaT where not parsed),
        a mask of cells that are not dates, and a mask of dates outside 1677..2262.
    """
    cells = text.astype("string").str.strip()
    n = len(cells)
    shaped = cells.str.fullmatch(_SHAPE).fillna(False).to_numpy(dtype=bool)
    head = cells.str.slice(0, 10)
    outside = shaped & ((head < DATE_MIN) | (head > DATE_MAX)).fillna(False).to_numpy(dtype=bool)
    ok = shaped & ~outside
    day = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    if ok.any():
        parsed = pd.to_datetime(head[ok], format="%Y-%m-%d", errors="coerce")
        day[ok] = parsed.astype("datetime64[ns]")
    tail = cells.str.slice(10)
    zoned = ok & (cells.str.len() > 10).fillna(False).to_numpy(dtype=bool)
    zoned &= tail.str.contains(_ZONE).fillna(False).to_numpy(dtype=bool)
    if tz is not None and zoned.any():
        stamps = pd.to_datetime(cells[zoned], utc=True, format="ISO8601", errors="coerce")
        local = stamps.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
        day[zoned] = local.astype("datetime64[ns]")
    bad = ~outside & (day.isna().to_numpy() if n else np.zeros(0, dtype=bool))
    return day, bad, outside
