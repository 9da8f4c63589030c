"""Option parsing and output helpers of ``aithesis model`` (numbers, ``--set`` pairs,
strict JSON, frames as tables): kept apart so the commands module stays small."""

from __future__ import annotations

import math
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aithesis.cli._common import OutputFormat, print_json, print_table
from aithesis.errors import SpecError

__all__ = ["_finite", "_frame_out", "_integer", "_num", "_overrides", "_pairs", "_print_json"]


def _num(value: Any) -> str:
    if isinstance(value, tuple | list):
        return " .. ".join(_num(v) for v in value)
    return f"{value:,.6g}" if isinstance(value, float | int) else str(value)


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


def _frame_out(frame: Any, fmt: OutputFormat, title: str, *, wide: bool = False) -> None:
    """Print a frame as JSON, CSV or a Rich table (title and every cell escaped); a
    ``wide`` table is printed at its natural width, past the terminal's edge if need be."""
    if fmt is OutputFormat.json:
        _print_json(frame.to_dict(orient="records"))
    elif fmt is OutputFormat.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        table = Table(title=escape(title))
        for col in frame.columns:
            justify = "right" if frame[col].dtype.kind in "fi" else "left"
            table.add_column(escape(str(col)), justify=justify)
        for row in frame.itertuples(index=False):
            table.add_row(*[_num(v) if isinstance(v, float) else escape(str(v)) for v in row])
        print_table(table, wide=wide)
