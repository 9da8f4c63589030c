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

from aithesis.config import default_store_path

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store

__all__ = [
    "ROOT_OPTIONS",
    "OutputFormat",
    "SampleDataOption",
    "StoreOption",
    "console",
    "err_console",
    "open_store",
    "print_json",
    "resolve_store_path",
]

# options given before the subcommand (``aithesis --store X --debug data list``)
ROOT_OPTIONS: dict[str, Any] = {}

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file [default: $AITHESIS_STORE or $AITHESIS_HOME/store.duckdb].",
        show_default=False,
    ),
]

SampleDataOption = Annotated[
    Path | None,
    typer.Option(
        "--sample-data",
        help="Folder of the real sample data [default: $AITHESIS_SAMPLE_DATA or ../shared/data].",
        show_default=False,
    ),
]


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

    store = Store(resolve_store_path(value), read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (no Rich markup, safe to pipe)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()
