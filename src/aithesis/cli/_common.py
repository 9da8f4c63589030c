"""Pieces every command group shares: the ``--store`` option, consoles, output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from aithesis import numfmt
from aithesis.config import default_store_path

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store

__all__ = [
    "ROOT_OPTIONS",
    "OutputFormat",
    "SampleDataOption",
    "StoreOption",
    "WideOption",
    "coloured_pct",
    "console",
    "err_console",
    "open_store",
    "print_json",
    "print_table",
    "resolve_store_path",
]

# options given before the subcommand (``aithesis --store X --debug data list``)
ROOT_OPTIONS: dict[str, Any] = {}


def _console(stderr: bool = False) -> Console:
    """A Rich console; when the output is not a terminal (a pipe, a log) it is laid out
    wide so that tables are not cropped to 80 columns ($COLUMNS still wins)."""
    import os

    stream = sys.stderr if stderr else sys.stdout
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, highlight=False, width=200 if wide else None)


console = _console()
err_console = _console(stderr=True)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file (default: $AITHESIS_STORE, else store.duckdb in "
        f"$AITHESIS_HOME or ~/.aithesis; here {default_store_path()}).",
        show_default=False,
    ),
]

SampleDataOption = Annotated[
    Path | None,
    typer.Option(
        "--sample-data",
        help="Folder of the real sample data "
        "(default: env AITHESIS_SAMPLE_DATA, else ../shared/data).",
        show_default=False,
    ),
]


WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Show every row and column, wider than the terminal if need be."),
]


def print_table(table: Any, *, wide: bool = False) -> None:
    """Print a Rich table; ``wide`` lays it out at its natural width (no cell is cut or
    wrapped, lines may run past the terminal's edge), else it fits the terminal."""
    if not wide:
        console.print(table)
        return
    from rich.measure import Measurement

    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    before = console.width
    console.width = max(natural, before)
    try:
        console.print(table, crop=False)
    finally:
        console.width = before


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    csv = "csv"
    json = "json"


def resolve_store_path(value: Path | None) -> Path:
    """The store path: the command's ``--store``, else the root ``--store``, else the default."""
    if value is not None:
        return value
    if ROOT_OPTIONS.get("store") is not None:
        return Path(ROOT_OPTIONS["store"])
    return default_store_path()


@contextmanager
def open_store(value: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    """Open the store named by ``--store`` (or the default) for the duration of a command."""
    from aithesis.data.store import Store

    path = resolve_store_path(value)
    if read_only and not path.exists():
        from aithesis.errors import StoreError

        raise StoreError(
            "no store there yet",
            file=path,
            hint="check --store, or create one: aithesis data import FOLDER",
        )
    store = Store(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def coloured_pct(value: float | None) -> str:
    """A signed percentage with one decimal in Rich markup, green when >= 0, red below
    (``[green]+479.6%[/]``); ``-`` when missing."""
    if numfmt.is_missing(value):
        return numfmt.DASH
    colour = "green" if float(value) >= 0 else "red"  # type: ignore[arg-type]
    return f"[{colour}]{numfmt.percent(value, signed=True)}[/]"


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (no Rich markup, safe to pipe)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()
