"""Readers of the files a ``csvdir`` folder holds: CSV as text or typed, Parquet.

Every reader names the file in its errors; none builds SQL (paths go to pandas and
pyarrow as paths).
"""

from __future__ import annotations

import csv
import errno
import re
import stat
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aithesis.data.cells import DATE_MAX, DATE_MIN, is_na_marker, parse_date_text
from aithesis.data.validate import refuse_duplicate_columns
from aithesis.errors import DataError, ProviderError
from aithesis.markets import timezone_of

__all__ = [
    "check_field_counts",
    "check_ticker_column",
    "file_problem",
    "read_parquet_folder",
    "read_text_table",
    "read_typed_csv",
    "require_file",
    "require_listable",
    "typed_prices",
]


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a data file, without opening it (None if it can).

    A folder, a FIFO (opening one would block forever), a socket or device, a dangling
    symlink and a symlink loop each get their own words.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a dangling symlink (its target does not exist)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symlink loop"
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    return "is not a regular file (a socket or device)"


def require_file(path: Path) -> None:
    """Raise DataError naming ``path`` unless it is a regular file (never opens it)."""
    problem = file_problem(path)
    if problem is not None:
        raise DataError(problem, file=path, hint="replace it with a CSV file or remove it")


def check_field_counts(path: Path) -> None:
    """Refuse a row with more non-empty fields than the header.

    pandas (with ``index_col=False``) would silently drop the extra field of the first
    such row and shift nothing else: an unquoted ``1,050.2`` in ``close`` would become
    close 1 and adj_close 50.2. Empty trailing fields (``...,1.5,``) are allowed.

    Raises:
        DataError: ``malformed CSV`` naming the file and line.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return
            width = len(header)
            for row in reader:
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    raise DataError(
                        f"malformed CSV (the row has {len(row)} fields, the header {width})",
                        file=path,
                        row=reader.line_num,
                        hint="quote numbers written with a thousands separator "
                        '("1,050.2") or drop the separator; every row needs the '
                        "header's fields",
                    )
    except (csv.Error, UnicodeDecodeError):
        return  # pandas reports these with their own words


def _read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """``pd.read_csv`` without its ParserWarning for rows with trailing empty fields
    (``...,1000,``): :func:`check_field_counts` has refused rows whose extra fields hold
    anything, so nothing is lost, and the warning would print a source line to the user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(path, **options)


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as a string; keep source line numbers in ``_line``.

    Raises:
        DataError: not a regular file, empty file, not UTF-8, or rows with the wrong
            number of fields.
    """
    require_file(path)
    check_field_counts(path)
    try:
        frame = _read_csv(
            path, dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False
        )
    except pd.errors.EmptyDataError as exc:
        raise DataError(
            "file is empty", file=path, hint="give a header line and data rows"
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataError("file is not UTF-8 text", file=path, hint="save it as UTF-8 CSV") from exc
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DataError(
            f"malformed CSV ({str(exc).strip()})",
            file=path,
            row=int(match.group(1)) if match else None,
            hint="every row needs the same number of comma-separated fields",
        ) from exc
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=path) from exc
    frame["_line"] = np.arange(len(frame)) + 2
    return frame


def read_typed_csv(
    path: Path, numeric: tuple[str, ...], *, tz: str | None = None
) -> pd.DataFrame | None:
    """Fast path: read a clean CSV straight into typed columns.

    Returns None (so the caller takes the slow, exact-error path) when anything is off:
    a parse error, a blank line, a non-date in ``date``, text (a missing-value marker
    such as ``null`` too) in a ``numeric`` column. Line numbers go to ``_line`` (header
    = line 1). Dates with a UTC offset become dates in ``tz`` (:mod:`aithesis.data.cells`).

    Raises:
        DataError: not a regular file, unreadable, or a row with extra fields.
    """
    require_file(path)
    check_field_counts(path)
    try:
        frame = _read_csv(
            path,
            skip_blank_lines=False,
            dtype={"date": str},
            index_col=False,
            keep_default_na=False,
            na_values=[""],
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        return None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=path) from exc
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if "date" not in frame or frame.empty or frame.columns.duplicated().any():
        return None
    for column in numeric:
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column]):
            return None
    text = frame["date"].astype("string")
    if text.isna().any():
        return None
    dates, bad, outside = parse_date_text(text, tz)
    if bad.any() or outside.any():
        return None
    out = pd.DataFrame({"date": dates, "_line": np.arange(len(frame)) + 2})
    for column in numeric:  # absent columns stay absent (the checks tell them apart)
        if column in frame:
            out[column] = frame[column].to_numpy(dtype=float)
    for column in frame.columns:
        if column not in out:
            out[column] = frame[column].to_numpy()
    return out


def read_parquet_folder(folder: Path, *, partition: str | None = None) -> pd.DataFrame:
    """Every ``*.parquet`` file under ``folder`` as one frame, read with pyarrow.

    Paths are handed to pyarrow as paths (never spliced into SQL), so a folder or
    partition name cannot run anything. With ``partition`` (e.g. ``ticker``), the
    sub-folders are hive partitions ``<partition>=<value>`` whose value (URL-decoded, as
    DuckDB and pyarrow write them) becomes a string column.

    Raises:
        ProviderError: the files cannot be read as Parquet (names the folder).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        if partition is None:
            files = sorted(str(p) for p in folder.glob("*.parquet") if p.is_file())
            if not files:
                raise ProviderError("no Parquet files in the folder", file=folder)
            dataset = ds.dataset(files, format="parquet")
        else:
            scheme = ds.partitioning(pa.schema([(partition, pa.string())]), flavor="hive")
            dataset = ds.dataset(
                str(folder), format="parquet", partitioning=scheme, exclude_invalid_files=False
            )
        return dataset.to_table().to_pandas(date_as_object=False)
    except ProviderError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ProviderError(f"cannot read the Parquet export: {exc}", file=folder) from exc


def typed_prices(
    table: pd.DataFrame,
    path: Path,
    ticker: str,
    *,
    strict: bool = False,
    warnings: list[str] | None = None,
) -> pd.DataFrame:
    """Typed price columns from a table read from Parquet (``_line`` = row number).

    Dates follow :mod:`aithesis.data.cells`: a timezone-aware ``date`` becomes the
    exchange-local trading date of ``ticker``, as an offset written in a CSV does.
    Missing-value markers in text number columns are read as empty (counted in
    ``warnings``) or refused under ``strict``.

    Raises:
        DataError: no ``date``/``close`` column, a date that does not parse or lies
            outside 1677..2262, text that is not a number, an empty close.
    """
    table = table.rename(columns=lambda c: str(c).strip().lower().replace(" ", "_"))
    refuse_duplicate_columns([str(c) for c in table.columns], str(path))
    if "date" not in table or "close" not in table:
        raise DataError("missing required column 'date' or 'close'", file=path, row=1)
    lines = table["_line"].to_numpy()
    out = pd.DataFrame({"date": _typed_dates(table["date"], path, lines, timezone_of(ticker))})
    counts = []
    for column in ("open", "high", "low", "close", "adj_close", "volume"):
        values = table[column] if column in table else pd.Series(np.nan, index=table.index)
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = values.to_numpy(dtype=float)
            continue
        text = values.astype("string").str.strip()
        marker = is_na_marker(text) & (column != "close")
        blank = text.isna().to_numpy() | (text == "").fillna(True).to_numpy() | marker
        numbers = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        wrong = np.isnan(numbers) & ~blank
        if wrong.any() or (strict and marker.any()):
            i = int(np.flatnonzero(wrong | (marker if strict else wrong))[0])
            raise DataError(
                f"'{text.iloc[i]}' is not a number",
                file=path,
                row=int(lines[i]),
                field=column,
                hint=f"column '{column}' must hold numbers",
            )
        if marker.any():
            counts.append(f"{column} {int(marker.sum())}")
        out[column] = numbers
    if counts and warnings is not None:
        warnings.append(f"{path}: missing-value markers read as empty cells: {', '.join(counts)}")
    out["_line"] = lines
    if out["close"].isna().any():
        i = int(np.flatnonzero(out["close"].isna().to_numpy())[0])
        raise DataError("close is empty or not a number", file=path, row=i + 1, field="close")
    return out


def _typed_dates(values: pd.Series, path: Path, lines: np.ndarray, tz: str) -> pd.Series:
    """Exchange-local ``datetime64[ns]`` trading dates of a Parquet ``date`` column."""
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values
        if dates.dt.tz is not None:
            dates = dates.dt.tz_convert(tz).dt.tz_localize(None)
        dates = dates.dt.normalize()
        bad = dates.isna().to_numpy()
        outside = ((dates < pd.Timestamp(DATE_MIN)) | (dates > pd.Timestamp(DATE_MAX))).to_numpy()
        text = dates.astype("string")
    else:
        text = values.astype("string")
        dates, bad, outside = parse_date_text(text, tz)
    for mask, what in ((outside, f"is outside {DATE_MIN} .. {DATE_MAX}"), (bad, "does not parse")):
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise DataError(
                f"date '{text.iloc[i]}' {what}",
                file=path,
                row=int(lines[i]),
                field="date",
                hint="write dates as YYYY-MM-DD in 1677-2262",
            )
    return dates.where(~outside).astype("datetime64[ns]")


def require_listable(folder: Path) -> None:
    """Raise DataError naming ``folder`` when it cannot be listed (e.g. chmod 000)."""
    try:
        next(iter(folder.iterdir()), None)
    except OSError as exc:
        raise DataError(
            f"cannot list the folder ({exc.strerror})",
            file=folder,
            hint="check its permissions (it must be readable and searchable)",
        ) from exc


def check_ticker_column(table: pd.DataFrame, ticker: str, path: Path) -> None:
    """A ``ticker`` column in a per-ticker file must name that file's ticker.

    Raises:
        DataError: naming the first row whose ticker differs.
    """
    if "ticker" not in table:
        return
    names = table["ticker"].astype("string").str.strip().str.upper().str.lstrip("^")
    wrong = (names != ticker).fillna(True).to_numpy(dtype=bool)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        line = int(table["_line"].iloc[i]) if "_line" in table else i + 2
        raise DataError(
            f"column 'ticker' says '{table['ticker'].iloc[i]}' but the file is for {ticker}",
            file=path,
            row=line,
            field="ticker",
            hint=f"one ticker per file, named <TICKER>.csv: drop the column or name {ticker}",
        )
