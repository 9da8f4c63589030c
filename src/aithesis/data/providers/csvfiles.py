"""Readers of the files a ``csvdir`` folder holds: CSV as text or typed, Parquet.

Every reader names the file in its errors; none builds SQL (paths go to pandas and
pyarrow as paths).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from aithesis.errors import DataError, ProviderError
from aithesis.markets import timezone_of

__all__ = ["read_parquet_folder", "read_text_table", "read_typed_csv", "typed_prices"]


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as a string; keep source line numbers in ``_line``.

    Raises:
        DataError: empty file, not UTF-8, or rows with the wrong number of fields.
    """
    try:
        frame = pd.read_csv(
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


def read_typed_csv(path: Path, numeric: tuple[str, ...]) -> pd.DataFrame | None:
    """Fast path: read a clean CSV straight into typed columns.

    Returns None (so the caller takes the slow, exact-error path) when anything is off:
    a parse error, a blank line, a non-date in ``date``, text in a ``numeric`` column.
    Line numbers go to ``_line`` (header = line 1).
    """
    try:
        frame = pd.read_csv(path, skip_blank_lines=False, dtype={"date": str}, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        return None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=path) from exc
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if "date" not in frame or frame.empty:
        return None
    for column in numeric:
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column]):
            return None
    text = frame["date"].astype("string")
    if text.isna().any():
        return None
    dates = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        return None
    out = pd.DataFrame({"date": dates.astype("datetime64[ns]"), "_line": np.arange(len(frame)) + 2})
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


def typed_prices(table: pd.DataFrame, path: Path, ticker: str) -> pd.DataFrame:
    """Typed price columns from a table read from Parquet (``_line`` = row number).

    A timezone-aware ``date`` becomes the exchange-local trading date of ``ticker``.

    Raises:
        DataError: no ``date``/``close`` column, a date that does not parse, an empty close.
    """
    table = table.rename(columns=lambda c: str(c).strip().lower().replace(" ", "_"))
    if "date" not in table or "close" not in table:
        raise DataError("missing required column 'date' or 'close'", file=path, row=1)
    out = pd.DataFrame({"date": pd.to_datetime(table["date"], errors="coerce")})
    if out["date"].isna().any():
        i = int(np.flatnonzero(out["date"].isna().to_numpy())[0])
        raise DataError("date does not parse", file=path, row=i + 1, field="date")
    if out["date"].dt.tz is not None:  # the exchange-local trading date
        out["date"] = out["date"].dt.tz_convert(timezone_of(ticker)).dt.tz_localize(None)
    out["date"] = out["date"].dt.normalize()
    for column in ("open", "high", "low", "close", "adj_close", "volume"):
        values = table.get(column, np.nan)
        out[column] = pd.to_numeric(values, errors="coerce")
    out["_line"] = table["_line"].to_numpy()
    if out["close"].isna().any():
        i = int(np.flatnonzero(out["close"].isna().to_numpy())[0])
        raise DataError("close is empty or not a number", file=path, row=i + 1, field="close")
    return out
