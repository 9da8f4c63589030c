"""Schema and sanity checks for incoming price, dividend and FX tables.

Nothing is repaired silently: a problem that would corrupt returns raises
:class:`~aithesis.errors.DataError` naming the file, the line and the column; a
vendor anomaly that real data holds (a close outside [low, high], a close-only series,
a repeated row) and a suspicious but possible pattern (a day-over-day move that looks
like an unadjusted split, a gap of more than 7 calendar days) become warning strings,
kept with the series' provenance. ``strict=True`` refuses the anomalies too.

Line numbers are those of the source file: the header is line 1, the first data row
line 2. Parsers take the table as read with every cell a string (``dtype=str``) so that
text in a number column can be reported where it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aithesis.data.cells import DATE_MAX, DATE_MIN, is_na_marker, parse_date_text
from aithesis.errors import DataError

__all__ = [
    "GAP_WARN_DAYS",
    "OPTIONAL_NUMBER_COLUMNS",
    "SPLIT_JUMP_HIGH",
    "SPLIT_JUMP_LOW",
    "check_prices",
    "parse_dividend_table",
    "parse_fx_table",
    "parse_price_table",
    "refuse_duplicate_columns",
]

SPLIT_JUMP_LOW = 0.55  # close_t / close_{t-1} below this looks like an unadjusted split
SPLIT_JUMP_HIGH = 1.8  # ... or above this like an unadjusted reverse split
GAP_WARN_DAYS = 7  # calendar days between consecutive rows that earn a warning
_OHLC_RTOL = 1e-7  # float noise allowed in the OHLC order check

OPTIONAL_NUMBER_COLUMNS = ("open", "high", "low", "adj_close", "volume")
_DATE_ALIASES = ("date", "Date", "DATE", "datetime", "Datetime", "timestamp")


def _lines(frame: pd.DataFrame) -> np.ndarray:
    return frame["_line"].to_numpy() if "_line" in frame else np.arange(len(frame)) + 2


def _fail(
    file: str,
    frame: pd.DataFrame,
    mask: np.ndarray,
    field: str,
    what: str,
    hint: str | None = None,
) -> None:
    """Raise DataError for the first row where ``mask`` is true (no-op if none)."""
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    if hits.size == 0:
        return
    i = int(hits[0])
    line = int(_lines(frame)[i])
    more = f" ({hits.size - 1} more rows like it)" if hits.size > 1 else ""
    raise DataError(what + more, file=file, row=line, field=field, hint=hint)


def refuse_duplicate_columns(columns: list[str], file: str) -> None:
    """Raise DataError when two header names mean the same column (``close``, ``CLOSE``).

    Names are compared as the readers use them: stripped, lower-cased, spaces as ``_``.
    """
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise DataError(
                f"column '{name}' appears twice in the header",
                file=file,
                row=1,
                field=name,
                hint="keep one column of each name (names ignore case and spaces)",
            )
        seen.add(name)


def _read_columns(
    raw: pd.DataFrame, file: str, required: tuple[str, ...], *, allow_empty: bool = False
) -> pd.DataFrame:
    if raw.shape[1] == 0:
        raise DataError("file is empty", file=file, hint="give a header line and data rows")
    frame = raw.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    renames = {c: "date" for c in frame.columns if c in _DATE_ALIASES}
    frame = frame.rename(columns=renames)
    frame.columns = [c.lower().replace(" ", "_") for c in frame.columns]
    refuse_duplicate_columns(list(frame.columns), file)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing required column '{missing[0]}' (columns found: {', '.join(frame.columns)})",
            file=file,
            row=1,
            field=missing[0],
            hint="the header must name " + ", ".join(required),
        )
    if "_line" not in frame:
        frame["_line"] = np.arange(len(frame)) + 2
    cells = frame.drop(columns="_line")
    empty_row = np.ones(len(frame), dtype=bool)
    for column in cells.columns:
        values = cells[column]
        empty_row &= (values.isna() | (values.astype("string").str.strip() == "")).to_numpy(
            dtype=bool, na_value=True
        )
        if not empty_row.any():
            break
    if empty_row.any():
        frame = frame.loc[~empty_row].reset_index(drop=True)
    if frame.empty and not allow_empty:
        raise DataError("file has a header but no data rows", file=file, row=2)
    return frame


def _parse_dates(
    frame: pd.DataFrame, file: str, column: str = "date", tz: str | None = None
) -> pd.Series:
    text = frame[column].astype("string").str.strip()
    _fail(
        file,
        frame,
        text.isna().to_numpy() | (text == "").fillna(True).to_numpy(),
        column,
        "date is empty",
        "every row needs a date (YYYY-MM-DD)",
    )
    parsed, bad, outside = parse_date_text(text, tz)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        _fail(
            file,
            frame,
            outside,
            column,
            f"date '{text.iloc[i]}' is outside {DATE_MIN} .. {DATE_MAX}",
            "fix the date (the years 1677-2262 are supported)",
        )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        _fail(
            file,
            frame,
            bad,
            column,
            f"'{text.iloc[i]}' is not a date",
            "write dates as YYYY-MM-DD (optionally with a time and a UTC offset)",
        )
    return parsed


def _parse_numbers(frame: pd.DataFrame, file: str, column: str, *, required: bool) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    text = frame[column].astype("string").str.strip()
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = (values.isna() & ~blank).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        _fail(
            file,
            frame,
            bad,
            column,
            f"'{text.iloc[i]}' is not a number",
            f"column '{column}' must hold numbers",
        )
    if required:
        _fail(
            file,
            frame,
            blank.to_numpy(),
            column,
            f"{column} is empty",
            f"every row needs a {column} value",
        )
    result = values.to_numpy(dtype=float, na_value=np.nan)
    inf = ~np.isfinite(result) & ~np.isnan(result)
    _fail(file, frame, inf, column, "value is infinite", "give a finite number")
    return result


def _check_duplicates(frame: pd.DataFrame, dates: pd.Series, file: str, column: str) -> None:
    dup = dates.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero((dates == dates.iloc[i]).to_numpy())[0])
        _fail(
            file,
            frame,
            dup,
            column,
            f"duplicate date {dates.iloc[i]:%Y-%m-%d} (first at line {_lines(frame)[first]})",
            "keep one row per date",
        )


def parse_price_table(
    raw: pd.DataFrame,
    *,
    file: str,
    strict: bool = False,
    volume_expected: bool = True,
    tz: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Parse and check one ticker's daily price table read as strings.

    Args:
        raw: the table as read (``dtype=str``); columns ``date, open, high, low, close``
            required, ``adj_close`` and ``volume`` optional; may carry ``_line``.
        file: how to name the source in messages (a path or ``yahoo:NVDA``).
        strict: refuse vendor anomalies (see :func:`check_prices`) and missing-value
            markers (``null``, ``NA``, ``#N/A``, ``NaN``: :mod:`aithesis.data.cells`)
            instead of warning.
        volume_expected: False for index levels (no volume to miss).
        tz: the exchange's time zone, for dates written with a UTC offset.

    Returns:
        ``(frame, warnings)``: frame sorted by date with columns ``date`` (datetime64),
        ``open, high, low, close, adj_close, volume`` (float64, NaN where blank or a
        missing-value marker; the markers are counted per column in one warning).

    Raises:
        DataError: naming file, line and column for the first problem found.
    """
    frame = _read_columns(raw, file, ("date", "open", "high", "low", "close"))
    dates = _parse_dates(frame, file, tz=tz)
    typed = pd.DataFrame({"date": dates, "_line": frame["_line"].to_numpy()})
    markers = _take_markers(frame, file, strict)
    for column, required in (
        ("open", False),
        ("high", False),
        ("low", False),
        ("close", True),
        ("adj_close", False),
        ("volume", False),
    ):
        if column in frame or column in ("open", "high", "low", "close"):
            typed[column] = _parse_numbers(frame, file, column, required=required)
    typed, warnings = check_prices(typed, file=file, strict=strict, volume_expected=volume_expected)
    return typed, markers + warnings


def _take_markers(frame: pd.DataFrame, file: str, strict: bool) -> list[str]:
    """Blank the missing-value markers of the optional number columns (in place); one
    warning counting them per column, or an error at the first under ``strict``."""
    counts = []
    first: tuple[int, str] | None = None
    for column in OPTIONAL_NUMBER_COLUMNS:
        if column not in frame:
            continue
        mask = is_na_marker(frame[column])
        if not mask.any():
            continue
        i = int(np.flatnonzero(mask)[0])
        if strict:
            _fail(
                file,
                frame,
                mask,
                column,
                f"'{frame[column].iloc[i]}' is a missing-value marker",
                "give a number, or import without --strict to read it as an empty cell",
            )
        line = int(_lines(frame)[i])
        if first is None or line < first[0]:
            first = (line, str(frame[column].iloc[i]).strip())
        counts.append(f"{column} {int(mask.sum())}")
        frame[column] = frame[column].where(~mask, "")
    if first is None:
        return []
    return [
        f"{file}:{first[0]}: missing-value markers (null, NA, #N/A, NaN, ...) read as empty "
        f"cells: {', '.join(counts)} (first '{first[1]}')"
    ]


def check_prices(
    frame: pd.DataFrame, *, file: str, strict: bool = False, volume_expected: bool = True
) -> tuple[pd.DataFrame, list[str]]:
    """Sanity-check a typed price frame; return it sorted by date, with warnings.

    Hard errors (they would corrupt returns): a missing, infinite or non-positive close,
    a non-positive ``adj_close``, duplicate dates whose rows differ, negative volume.

    Vendor anomalies that real data holds (warnings, kept with the series' provenance;
    errors naming the first row when ``strict``): ``high < low``, a close or open
    outside ``[low, high]``, a non-positive open/high/low (kept as missing, said so), missing
    open/high/low/volume cells (a close-only series), the same date twice with identical
    rows (one kept).

    Always warnings: close-to-close moves below x0.55 or above x1.8 (a possible
    unadjusted split; real crashes exist too), gaps over 7 calendar days (halts).

    Args:
        frame: typed columns ``date, open, high, low, close[, adj_close][, volume]``.
        file: how to name the source in messages.
        strict: refuse vendor anomalies instead of warning.
        volume_expected: False for index levels, which have no volume to miss.
    """
    frame = frame.reset_index(drop=True)
    if "_line" not in frame:
        frame["_line"] = np.arange(len(frame)) + 2
    if frame.empty:
        raise DataError("no price rows", file=file)
    warnings: list[str] = []
    frame = _drop_identical_duplicates(frame, file, strict, warnings)
    _check_duplicates(frame, frame["date"], file, "date")
    for column in ("open", "high", "low", "close", "adj_close", "volume"):
        if column in frame:
            values = frame[column].to_numpy(dtype=float)
            _fail(
                file, frame, np.isinf(values), column, "value is infinite", "give a finite number"
            )
    _fail(
        file,
        frame,
        frame["close"].isna().to_numpy(),
        "close",
        "close is empty",
        "every row needs a close value",
    )
    for column in ("close", "adj_close"):
        if column in frame:
            _fail_non_positive(file, frame, column)
    for column in ("open", "high", "low"):
        if column not in frame:
            frame[column] = np.nan
            continue
        values = frame[column].to_numpy(dtype=float)
        bad = values <= 0
        if bad.any():
            if strict:
                _fail_non_positive(file, frame, column)
            frame.loc[bad, column] = np.nan
            warnings.append(_anomaly(file, frame, bad, f"{column} <= 0 (kept as missing)", ""))
    if "volume" in frame:
        vol = frame["volume"].to_numpy(dtype=float)
        _fail(file, frame, vol < 0, "volume", "volume is negative", "volume must be >= 0")
    o, h, lo, c = (frame[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close"))
    tol = _OHLC_RTOL * np.fmax(np.abs(h), np.abs(lo))
    top = np.fmax(o, c)
    bottom = np.fmin(o, c)
    for mask, field, what, hint in (
        (h < lo - tol, "high", "high is below low", "check the row's high and low"),
        (h < top - tol, "high", "high is below open or close", "high must be the day's highest"),
        (lo > bottom + tol, "low", "low is above open or close", "low must be the day's lowest"),
    ):
        if strict:
            _fail(file, frame, mask, field, what, hint + " (or import without --strict)")
        elif mask.any():
            warnings.append(_anomaly(file, frame, mask, what, " (kept as published)"))
    for column in ("open", "high", "low", "volume")[: 4 if volume_expected else 3]:
        if column not in frame:  # a file without a volume column is a documented layout
            continue
        missing = frame[column].isna().to_numpy()
        if missing.any():
            if strict:
                _fail(
                    file,
                    frame,
                    missing,
                    column,
                    f"{column} is empty",
                    f"give every row a {column} (or import without --strict)",
                )
            warnings.append(_anomaly(file, frame, missing, f"{column} is empty", ""))

    for column in ("adj_close", "volume"):
        if column not in frame:
            frame[column] = np.nan
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    return frame, warnings + _price_warnings(frame, file)


def _fail_non_positive(file: str, frame: pd.DataFrame, column: str) -> None:
    values = frame[column].to_numpy(dtype=float)
    bad = values <= 0
    if bad.any():
        value = values[np.flatnonzero(bad)[0]]
        _fail(
            file,
            frame,
            bad,
            column,
            f"{column} is {value:g}; prices must be > 0",
            "remove the row or fix the price",
        )


def _anomaly(file: str, frame: pd.DataFrame, mask: np.ndarray, what: str, tail: str) -> str:
    """One warning line for every row where ``mask`` holds: first line, count, dates."""
    hits = np.flatnonzero(mask)
    lines = _lines(frame)
    dates = frame["date"].to_numpy()
    shown = ", ".join(f"{pd.Timestamp(dates[i]):%Y-%m-%d}" for i in hits[:3])
    more = f" and {hits.size - 3} more" if hits.size > 3 else ""
    rows = "row" if hits.size == 1 else "rows"
    return f"{file}:{lines[hits[0]]}: {what} on {hits.size} {rows} ({shown}{more}){tail}"


def _drop_identical_duplicates(
    frame: pd.DataFrame, file: str, strict: bool, warnings: list[str]
) -> pd.DataFrame:
    """Drop repeated rows whose values equal an earlier row of the same date."""
    values = frame.drop(columns="_line")
    dup = values.duplicated(keep="first").to_numpy()
    if not dup.any():
        return frame
    if strict:
        _check_duplicates(frame, frame["date"], file, "date")
    warnings.append(_anomaly(file, frame, dup, "the same row repeated", " (one kept)"))
    return frame.loc[~dup].reset_index(drop=True)


def _price_warnings(frame: pd.DataFrame, file: str) -> list[str]:
    warnings: list[str] = []
    close = frame["close"].to_numpy(dtype=float)
    dates = frame["date"].to_numpy()
    lines = _lines(frame)
    if close.size > 1:
        ratio = close[1:] / close[:-1]
        for i in np.flatnonzero((ratio < SPLIT_JUMP_LOW) | (ratio > SPLIT_JUMP_HIGH)):
            warnings.append(
                f"{file}:{lines[i + 1]}: close moved x{ratio[i]:.3f} on "
                f"{pd.Timestamp(dates[i + 1]):%Y-%m-%d}; check for an unadjusted split"
            )
        gaps = np.diff(dates).astype("timedelta64[D]").astype(int)
        for i in np.flatnonzero(gaps > GAP_WARN_DAYS):
            warnings.append(
                f"{file}:{lines[i + 1]}: gap of {gaps[i]} calendar days "
                f"({pd.Timestamp(dates[i]):%Y-%m-%d} -> {pd.Timestamp(dates[i + 1]):%Y-%m-%d})"
            )
    return warnings


def parse_dividend_table(raw: pd.DataFrame, *, file: str, tz: str | None = None) -> pd.DataFrame:
    """Parse a dividend table (``date`` or ``ex_date``, ``dividend`` or ``amount``).

    Returns:
        Frame with ``ex_date`` (datetime64), ``amount`` (cash per share, float,
        split-adjusted like the prices) and the source ``_line``, sorted; zero amounts are
        dropped.

    Raises:
        DataError: unparseable date or amount, negative amount, duplicate ex-date.
    """
    if raw.shape[1] == 0:
        raise DataError("file is empty", file=file, hint="give a header: date,dividend")
    frame = raw.rename(columns=lambda c: str(c).strip().lower())
    frame = frame.rename(columns={"ex_date": "date", "amount": "dividend", "dividends": "dividend"})
    frame = _read_columns(frame, file, ("date", "dividend"), allow_empty=True)
    dates = _parse_dates(frame, file, tz=tz)
    amount = _parse_numbers(frame, file, "dividend", required=True)
    _fail(
        file,
        frame,
        amount < 0,
        "dividend",
        "dividend is negative",
        "dividends are cash per share >= 0",
    )
    _check_duplicates(frame, dates, file, "date")
    out = pd.DataFrame({"ex_date": dates, "amount": amount, "_line": frame["_line"].to_numpy()})
    out = out.loc[out["amount"] > 0]
    return out.sort_values("ex_date").reset_index(drop=True)


def parse_fx_table(raw: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """Parse an FX table (``date, rate``: units of quote currency per 1 base).

    Raises:
        DataError: unparseable date or rate, rate <= 0, duplicate date.
    """
    frame = _read_columns(raw, file, ("date", "rate"))
    dates = _parse_dates(frame, file)
    rate = _parse_numbers(frame, file, "rate", required=True)
    _fail(file, frame, rate <= 0, "rate", "rate must be > 0", "fix or remove the row")
    _check_duplicates(frame, dates, file, "date")
    out = pd.DataFrame({"date": dates, "rate": rate})
    return out.sort_values("date").reset_index(drop=True)
