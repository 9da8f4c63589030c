"""``index.xlsx``: an index result as an Excel workbook, written beside its CSVs.

Rendered in memory (:func:`workbook_bytes`), so :meth:`IndexResult.save` writes it with
the CSVs through :func:`aithesis.index.output.write_folder` (a temporary file in the
same folder moved into place with ``os.replace``: all or nothing).

Sheets, each the same table as its CSV (cell for cell):

* ``About``: what the workbook holds, units and conventions, the data sources.
* ``Levels`` (``levels.csv``): date, level (index points).
* ``Weights`` (``weights.csv``): date x ticker, end-of-day fractions of index value.
* ``Contributions`` (``contributions.csv``): by (stock/theme), name, contribution.
* ``Metrics`` (``metrics.json``): metric, label, value; NaN/None left empty.

Dates are real Excel dates (``yyyy-mm-dd``), numbers are numbers (never text) with a
number format: returns, weights and contributions as percentages, ratios with two
decimals, levels with two (the stored values keep full float64 precision).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from aithesis.analytics.catalogue import CATALOGUE

__all__ = ["SHEETS", "XLSX_NAME", "workbook_bytes"]

XLSX_NAME = "index.xlsx"
"""The workbook's file name in the output folder."""

SHEETS: tuple[str, ...] = ("About", "Levels", "Weights", "Contributions", "Metrics")
"""The workbook's sheets, in order."""

DATE = "yyyy-mm-dd"
PERCENT = "0.00%"
LEVEL = "#,##0.00"
RATIO = "0.00"
COUNT = "0"
_METRIC_FORMAT = {"percent": PERCENT, "ratio": RATIO, "count": COUNT, "date": DATE}
_FORMATS = {m.name: m.format for m in CATALOGUE}
_LABELS = {m.name: m.en for m in CATALOGUE}


class IndexResult(Protocol):
    """What the workbook reads of :class:`aithesis.index.result.IndexResult` (which
    imports this module: a protocol, so there is no import back)."""

    name: str
    dates: np.ndarray
    tickers: tuple[str, ...]
    level_values: np.ndarray
    weight_values: np.ndarray
    currency: str
    return_type: str
    methodology: Any
    sources: tuple[tuple[str, str | None], ...]


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _number(value: Any) -> float | None:
    """A finite float, or None (an empty cell) for NaN / None."""
    if value is None:
        return None
    x = float(value)
    return x if np.isfinite(x) else None


def _metric_cell(name: str, value: Any) -> tuple[Any, str | None]:
    """The cell value and number format of one metric (ISO date strings -> dates)."""
    kind = _FORMATS.get(name)
    if value is None or isinstance(value, bool):
        return value, None
    if kind == "date":
        return _day(value), DATE
    if isinstance(value, int | float | np.integer | np.floating):
        return _number(value), _METRIC_FORMAT.get(kind or "", RATIO)
    return str(value), None


def _about_rows(result: IndexResult, metrics: Mapping[str, Any]) -> list[tuple[str, Any]]:
    m = result.methodology
    basis = (
        "total return (dividend-adjusted adj_close)"
        if result.return_type == "total"
        else "price return (close, dividends excluded)"
    )
    rows: list[tuple[str, Any]] = [
        ("index", result.name),
        ("first date (base date)", _day(result.dates[0])),
        ("last date", _day(result.dates[-1])),
        (
            "currency",
            f"{result.currency}; listings in other currencies converted with the store's FX "
            "rate as of each date",
        ),
        ("return basis", basis),
        ("returns", "simple, daily, decimal (0.0123 = 1.23%); annualised over 252 days"),
        ("levels", f"index points; {float(result.level_values[0]):g} at the base close"),
        ("weights", "fraction of index value at each close, after that day's trades"),
        (
            "contributions",
            "each stock's (theme's) profit / base level, decimal; with (costs) they sum "
            "to the total return",
        ),
        ("metrics", "as metrics.json; returns and ratios decimal, empty = undefined"),
        (
            "dates",
            "trading dates, exchange-local, as Excel dates; weights set at the close of "
            "each rebalance date",
        ),
    ]
    if m is not None:
        rows += [
            ("weighting", m.weighting.scheme),
            ("rebalance", m.rebalance),
            ("costs", f"{m.costs_bps:g} bps one-way, launch charged: {m.costs_on_launch}"),
        ]
        if m.source:
            rows.append(("methodology source", m.source))
    rows.append(("total return", metrics.get("total_return")))
    return rows


def _source_rows(result: IndexResult) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("prices", "daily closes read from the aithesis store; origin of each series:")
    ]
    sources = dict(result.sources)
    for name in (*result.tickers, *(k for k in sources if k not in result.tickers)):
        rows.append((name, sources.get(name) or "not recorded"))
    return rows


def _sheet(wb: Any, title: str, widths: Sequence[int], header: Sequence[str] | None) -> Any:
    """A write-only sheet with column widths and, if given, a bold frozen header row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if header is not None:
        ws.freeze_panes = "B2"
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
    return ws


def _table(ws: Any, rows: Iterable[Sequence[Any]], formats: Sequence[str | None]) -> None:
    """Append rows, giving column ``j`` the number format ``formats[j]`` (None: General)."""
    from openpyxl.cell import WriteOnlyCell

    for row in rows:
        cells: list[Any] = []
        for value, fmt in zip(row, formats, strict=True):
            if fmt is None or value is None:
                cells.append(value)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = fmt
                cells.append(cell)
        ws.append(cells)


def workbook_bytes(
    result: IndexResult, metrics: Mapping[str, Any], contributions: pd.Series
) -> bytes:
    """The ``.xlsx`` file of a result, in memory.

    Args:
        result: the built index.
        metrics: :meth:`IndexResult.metrics` (as written to ``metrics.json``).
        contributions: by (``stock``/``theme``) x name, as ``contributions.csv``.

    Returns:
        The workbook's bytes (sheets :data:`SHEETS`).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    about = _sheet(wb, "About", (24, 90), None)
    title = WriteOnlyCell(about, value=f"{result.name}: levels, weights, contributions, metrics")
    title.font = Font(bold=True, size=13)
    about.append([title])
    about.append([])
    for key, value in (*_about_rows(result, metrics), ("", None), *_source_rows(result)):
        fmt = DATE if isinstance(value, dt.date) else PERCENT if key == "total return" else None
        _table(about, [(key, value)], (None, fmt))

    days = [_day(d) for d in result.dates.astype("datetime64[D]")]
    levels = _sheet(wb, "Levels", (12, 14), ("date", "level"))
    _table(levels, zip(days, result.level_values.tolist(), strict=True), (DATE, LEVEL))

    n = len(result.tickers)
    weights = _sheet(wb, "Weights", (12, *[10] * n), ("date", *result.tickers))
    rows = (
        [day, *(_number(x) for x in row)]
        for day, row in zip(days, result.weight_values.tolist(), strict=True)
    )
    _table(weights, rows, (DATE, *[PERCENT] * n))

    contrib = _sheet(wb, "Contributions", (8, 24, 14), ("by", "name", "contribution"))
    _table(
        contrib,
        ((by, str(name), float(v)) for (by, name), v in contributions.items()),
        (None, None, PERCENT),
    )

    sheet = _sheet(wb, "Metrics", (28, 34, 14), ("metric", "label", "value"))
    for name, value in metrics.items():
        cell_value, fmt = _metric_cell(name, value)
        _table(sheet, [(name, _LABELS.get(name, name), cell_value)], (None, None, fmt))

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
