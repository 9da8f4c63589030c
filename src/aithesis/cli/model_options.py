"""Option parsing and output helpers of ``aithesis model`` (numbers, ``--set`` pairs,
strict JSON, frames as tables): kept apart so the commands module stays small."""

from __future__ import annotations

import math
from typing import Any

import typer

from aithesis import numfmt
from aithesis.cli._common import OutputFormat, fit_table, print_json
from aithesis.errors import SpecError

__all__ = [
    "_finite",
    "_frame_out",
    "_integer",
    "_num",
    "_overrides",
    "_pairs",
    "_print_json",
    "shown_value",
]

_SIG = 6  # significant digits of a model's figures in tables (never scientific)


def _num(value: Any) -> str:
    """A number as analysts write it (``141,500``, ``0.142857``; a range low..high)."""
    if isinstance(value, tuple | list):
        return numfmt.span(tuple(value), _SIG)
    if isinstance(value, bool) or not isinstance(value, float | int):
        return str(value)
    return numfmt.number(value, _SIG, missing="n/a")


def shown_value(value: Any, unit: str, name: str | None = None, sig: int = _SIG) -> str:
    """A figure in ``unit`` for a table whose unit column shows
    :func:`numfmt.unit_label`: P/E-like multiples carry ``x`` (``33x``), ``RMB_100M`` is
    divided by 10 (shown in ``RMB bn``), others as :func:`_num`."""
    if numfmt.is_missing(value):
        return "n/a" if isinstance(value, float) else "-"
    if numfmt.is_multiple(name, unit):
        return numfmt.number(value, sig) + "x"
    return numfmt.number(float(value) * numfmt.unit_factor(unit), sig)


def _table_rows(frame: Any) -> list[list[str]]:
    """A frame's cells as text: numbers in the row's unit (a ``unit`` column), shown
    by :func:`numfmt.unit_label`; whole numbers grouped."""
    has_unit = "unit" in frame.columns
    key = next((c for c in ("name", "driver") if c in frame.columns), None)
    # a solve's target and achieved output are in the output's unit
    of_output = {"target", "achieved"} if {"output", "output_unit"} <= set(frame.columns) else ()
    rows = []
    for record in frame.to_dict(orient="records"):
        unit = str(record["unit"] or "") if has_unit else ""
        name = None if key is None else str(record[key])
        cells = []
        for col, v in record.items():
            if col in of_output and isinstance(v, float):
                cells.append(shown_value(v, str(record["output_unit"]), str(record["output"])))
            elif col == "output_unit":
                cells.append(numfmt.unit_label(str(v), str(record["output"])))
            elif col == "unit":
                cells.append(numfmt.unit_label(unit, name))
            elif isinstance(v, bool) or v is None:
                cells.append("" if v is None else str(v))
            elif isinstance(v, int) or (hasattr(v, "dtype") and v.dtype.kind in "iu"):
                cells.append(f"{int(v):,}")
            elif isinstance(v, float) or (hasattr(v, "dtype") and v.dtype.kind == "f"):
                cells.append(shown_value(float(v), unit, name) if has_unit else _num(float(v)))
            else:
                cells.append(str(v))
        rows.append(cells)
    return rows


def _integer(text: str, option: str) -> int:
    """An integer option given as text (``100000``, ``100_000`` or ``1e5``).

    Typer would reject ``1e5`` with a usage error (exit 2); here any text that is not a
    whole number is a one-line :class:`SpecError` naming the option; ranges are checked
    by the API.
    """
    cleaned = text.strip().replace("_", "").replace(",", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if math.isfinite(number) and number == int(number):
        return int(number)
    raise SpecError(
        f"{text!r} is not a whole number",
        field=option,
        hint="give an integer, e.g. 100000",
    )


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SpecError(f"cannot read {item!r}", field=option, hint="write NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def _overrides(items: list[str]) -> dict[str, Any]:
    """``--set NAME=VALUE`` pairs: a number (``30``), a multiple (``30x``, a P/E) or a
    number with a unit (``2.5 USD_tn``, converted by the API). Text that does not start
    with a number is a one-line error naming ``--set``."""
    out: dict[str, Any] = {}
    for key, value in _pairs(items, "--set").items():
        text = value.replace(",", "").replace("_", "")
        if text.lower().endswith("x"):
            text = text[:-1].strip()
        first = text.split(maxsplit=1)[0] if text.split() else ""
        try:
            float(first)
        except ValueError:
            raise SpecError(
                f"{value!r} for {key!r} is not a number",
                field="--set",
                hint="write NAME=NUMBER, e.g. --set pe=30 or --set pe=30x, "
                "or with a unit: --set 'dc_it_tam=2.5 USD_tn'",
            ) from None
        out[key] = float(text) if text == first else text
    return out


def _finite(obj: Any) -> Any:
    """``obj`` with every NaN/inf float replaced by ``None`` (JSON has no such numbers)."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _print_json(obj: Any) -> None:
    """Strict JSON on stdout: ``null`` where a number is NaN or infinite."""
    print_json(_finite(obj))


def _frame_out(
    frame: Any,
    fmt: OutputFormat,
    title: str,
    *,
    wide: bool = False,
    rows: list[list[str]] | None = None,
    headers: list[str] | None = None,
) -> None:
    """Print a frame as JSON or CSV (raw values and unit names), or as a table that fits
    the terminal (:func:`fit_table`: names and numbers whole, prose under its row); a
    ``wide`` table is printed at its natural width, past the terminal's edge if need be.
    ``rows``/``headers`` replace the table's cells/headers (figures already formatted)."""
    if fmt is OutputFormat.json:
        _print_json(frame.to_dict(orient="records"))
    elif fmt is OutputFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        right = [str(c) for c in frame.columns if frame[c].dtype.kind in "fiu"]
        columns = [str(c) for c in frame.columns]
        shown = headers or columns
        fit_table(
            shown,
            _table_rows(frame) if rows is None else rows,
            title=title,
            right=[h for h, c in zip(shown, columns, strict=True) if c in right],
            wide=wide,
        )
