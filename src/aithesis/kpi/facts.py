"""KPI facts files: read and validate a facts CSV into the store's fundamentals frame.

A facts CSV holds one fact a row. Required columns::

    entity, ticker, metric, period, period_end, value, unit, currency, kind, source, quote

Optional columns: ``period_start``, ``as_of`` (publication date; default: the
``default_as_of`` argument, else today) and ``note`` (free text, kept in the frame but
not stored). ``period`` follows :mod:`aithesis.kpi.periods`; ``unit`` is one of
:data:`aithesis.kpi.units.UNITS` and the value keeps that unit (no rescaling);
``kind`` is ``actual``, ``estimate`` or ``guidance``. Dates are ISO ``YYYY-MM-DD``.

Strict on numbers and dates: ``value`` is an ASCII decimal (``1050.2``, ``-3e6``; not
``1_000``, ``1,000``, ``١٢٣`` or ``１２３``, which Python's ``float()`` would accept) within
+-:data:`MAX_ABS_VALUE` of its unit; years of periods and dates lie in 1900..2200
(:data:`aithesis.kpi.periods.MIN_YEAR`/``MAX_YEAR``); a cell longer than csv's field
limit (131,072 characters) is refused with its line.

Every problem raises :class:`~aithesis.errors.DataError` naming the file, the 1-based
line (header = line 1) and the column; nothing is returned half-read.

The built-in :func:`article_facts_path` lists every company figure of FRAMEWORKS.md
§3-§6 with the verbatim Chinese sentence it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pandas as pd

from aithesis.data.schema import FUNDAMENTAL_COLUMNS
from aithesis.errors import DataError
from aithesis.kpi.periods import MAX_YEAR, MIN_YEAR, parse_period, period_bounds
from aithesis.kpi.units import UNITS

__all__ = [
    "CSV_KINDS",
    "MAX_ABS_VALUE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "article_facts_path",
    "read_facts_csv",
    "to_store_frame",
]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "entity",
    "ticker",
    "metric",
    "period",
    "period_end",
    "value",
    "unit",
    "currency",
    "kind",
    "source",
    "quote",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("period_start", "as_of", "note")
CSV_KINDS: tuple[str, ...] = ("actual", "estimate", "guidance")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
_KEY = ("entity", "metric", "fiscal_period", "kind", "source", "as_of")
# what float() accepts minus '_' separators, non-ASCII digits, nan and inf
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$", re.ASCII)
# a larger figure is a typo or an attack; it would overflow to inf once converted or summed
MAX_ABS_VALUE = 1e18
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)


def article_facts_path() -> Path:
    """Path of the built-in ``article_facts.csv`` (package data)."""
    return Path(str(resources.files("aithesis.kpi") / "data" / "article_facts.csv"))


def _show(text: str, limit: int = 40) -> str:
    """``repr`` of a cell, shortened so that an error stays one readable line."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _date(text: str, *, file: Path, row: int, field: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    if not _ISO_DATE.match(text):
        raise DataError(
            f"{_show(text)} is not a date",
            file=file,
            row=row,
            field=field,
            hint="write YYYY-MM-DD in ASCII digits",
        )
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(
            f"{_show(text)} is not a date", file=file, row=row, field=field, hint="write YYYY-MM-DD"
        ) from None
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise DataError(
            f"{text} is outside the years {MIN_YEAR}..{MAX_YEAR}",
            file=file,
            row=row,
            field=field,
            hint="check the year",
        )
    return date


def _value(text: str, *, file: Path, row: int) -> float:
    text = text.strip()
    if not _NUMBER.match(text):
        raise DataError(
            f"{_show(text)} is not a number",
            file=file,
            row=row,
            field="value",
            hint="write ASCII digits 0-9 with an optional '.' and exponent, e.g. 1050.2 or "
            "-3e6 (no thousands separators, underscores, units or other scripts' digits)",
        )
    value = float(text)
    if not math.isfinite(value):
        raise DataError(f"{_show(text)} is not a finite number", file=file, row=row, field="value")
    if abs(value) > MAX_ABS_VALUE:
        raise DataError(
            f"{_show(text)} is beyond +-{MAX_ABS_VALUE:g} of its unit",
            file=file,
            row=row,
            field="value",
            hint="check the figure, or state it in a larger unit (USD_bn rather than USD)",
        )
    return value


def _slug(text: str, *, file: Path, row: int, field: str) -> str:
    slug = text.strip().lower()
    if not _SLUG.match(slug):
        raise DataError(
            f"{_show(text)} is not a valid {field}",
            file=file,
            row=row,
            field=field,
            hint="use lower-case letters, digits and _ (e.g. alibaba, capex)",
        )
    return slug


def _parse_row(
    raw: dict[str, str], *, file: Path, row: int, default_as_of: dt.date
) -> dict[str, object]:
    get = {k: (raw.get(k) or "").strip() for k in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    entity = _slug(get["entity"], file=file, row=row, field="entity")
    metric = _slug(get["metric"], file=file, row=row, field="metric")
    try:
        period = parse_period(get["period"])
    except ValueError as exc:
        raise DataError(str(exc), file=file, row=row, field="period") from None
    start = _date(get["period_start"], file=file, row=row, field="period_start")
    end = _date(get["period_end"], file=file, row=row, field="period_end")
    if not period.fiscal and end is not None:
        lo, hi = period_bounds(period, None, None)
        if lo is not None and hi is not None and not (lo <= end <= hi):
            raise DataError(
                f"period_end {end} lies outside period {period.label} ({lo}..{hi})",
                file=file,
                row=row,
                field="period_end",
            )
    if start is not None and end is not None and start > end:
        raise DataError(
            f"period_start {start} is after period_end {end}",
            file=file,
            row=row,
            field="period_start",
        )
    value = _value(get["value"], file=file, row=row)
    unit = get["unit"]
    if unit not in UNITS:
        raise DataError(
            f"unknown unit {_show(unit)}",
            file=file,
            row=row,
            field="unit",
            hint="use one of " + ", ".join(sorted(UNITS)),
        )
    info = UNITS[unit]
    currency = get["currency"].upper() or None
    if info.currency is None and currency is not None:
        raise DataError(
            f"unit {unit} is not monetary but currency is {_show(currency)}",
            file=file,
            row=row,
            field="currency",
            hint="leave currency empty for non-monetary units",
        )
    if info.currency is not None:
        if currency not in (None, info.currency) and not (
            currency == "RMB" and info.currency == "CNY"
        ):
            raise DataError(
                f"currency {_show(currency)} contradicts unit {unit} ({info.currency})",
                file=file,
                row=row,
                field="currency",
            )
        currency = info.currency
    kind = get["kind"].lower()
    if kind not in CSV_KINDS:
        raise DataError(
            f"unknown kind {_show(get['kind'])}",
            file=file,
            row=row,
            field="kind",
            hint="use one of " + ", ".join(CSV_KINDS),
        )
    if not get["source"]:
        raise DataError(
            "source is empty", file=file, row=row, field="source", hint="name the document"
        )
    as_of = _date(get["as_of"], file=file, row=row, field="as_of") or default_as_of
    return {
        "entity": entity,
        "ticker": get["ticker"].upper() or None,
        "metric": metric,
        "fiscal_period": period.label,
        "period_start": start,
        "period_end": end,
        "value": value,
        "unit": unit,
        "currency": currency,
        "kind": kind,
        "source": get["source"],
        "quote": get["quote"] or None,
        "as_of": as_of,
        "note": get["note"] or None,
        "_row": row,
    }


def _records(
    reader: csv.DictReader[str], *, file: Path, default_as_of: dt.date
) -> list[dict[str, object]]:
    """Validated records of every non-blank data row (raises on the first bad one)."""
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise DataError(
                "required column is missing",
                file=file,
                row=1,
                field=column,
                hint="columns: " + ", ".join(REQUIRED_COLUMNS),
            )
    for i, column in enumerate(header):
        if column in header[:i]:
            raise DataError(
                "column appears twice in the header", file=file, row=1, field=column[:40]
            )
        if column not in REQUIRED_COLUMNS and column not in OPTIONAL_COLUMNS:
            raise DataError(
                "unknown column",
                file=file,
                row=1,
                field=column[:40],
                hint="allowed: " + ", ".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)),
            )
    records: list[dict[str, object]] = []
    seen: dict[tuple[object, ...], int] = {}
    for raw in reader:
        row = reader.line_num
        if None in raw:  # more cells than header columns
            raise DataError("row has more cells than the header", file=file, row=row)
        if not any((v or "").strip() for v in raw.values()):
            continue
        record = _parse_row(raw, file=file, row=row, default_as_of=default_as_of)
        key = tuple(record[k] for k in _KEY)
        if key in seen:
            raise DataError(
                f"duplicate fact: {record['entity']} {record['metric']} "
                f"{record['fiscal_period']} ({record['kind']}, {_show(str(record['source']))}) "
                f"already on line {seen[key]}",
                file=file,
                row=row,
                field="period",
                hint="keep one row per fact; a restatement needs a later as_of",
            )
        seen[key] = row
        records.append(record)
    return records


class _CountedLines:
    """Iterate a text file's lines, counting them (csv's ``line_num`` lags on errors)."""

    def __init__(self, handle: Iterator[str]) -> None:
        self._handle = handle
        self.count = 0

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.count += 1
        return line


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return f"not a readable CSV ({text})"


def read_facts_csv(path: str | Path, *, default_as_of: dt.date | None = None) -> pd.DataFrame:
    """Read and validate a facts CSV.

    Args:
        path: the CSV file (UTF-8, optional BOM).
        default_as_of: ``as_of`` for rows that leave it empty (default: today).

    Returns:
        DataFrame with the store's fundamentals columns plus ``note``; values in their
        stated units; dates as ``datetime.date`` (or None).

    Raises:
        DataError: missing file or column, unknown column, bad period/date/number,
            unknown unit or kind, currency contradicting the unit, duplicate fact
            (same entity, metric, period, kind, source and as_of): naming file, row
            and column.
    """
    file = Path(path)
    if not file.is_file():
        raise DataError("facts file not found", file=file, hint="give the path of a facts CSV")
    default_as_of = default_as_of or dt.date.today()
    raw = file.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            "file is not UTF-8 text (GBK, as Excel saves Chinese CSVs by default?)",
            file=file,
            row=raw[: exc.start].count(b"\n") + 1,
            hint="save it as 'CSV UTF-8', or convert it: iconv -f GBK -t UTF-8",
        ) from None
    with file.open(encoding="utf-8-sig", newline="") as handle:
        lines = _CountedLines(handle)
        reader = csv.DictReader(lines)
        try:
            records = _records(reader, file=file, default_as_of=default_as_of)
        except csv.Error as exc:
            raise DataError(
                _csv_problem(exc),
                file=file,
                row=max(lines.count, 1),
                hint="fix the cell: quote a sentence, not a document; close every quote",
            ) from None
    frame = pd.DataFrame.from_records(records, columns=[*FUNDAMENTAL_COLUMNS, "note", "_row"])
    frame["value"] = frame["value"].astype("float64")
    return frame.drop(columns="_row")


def to_store_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the store's fundamentals columns, in order (drops ``note`` and helpers)."""
    return frame.loc[:, list(FUNDAMENTAL_COLUMNS)].reset_index(drop=True)
