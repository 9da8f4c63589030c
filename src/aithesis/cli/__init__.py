"""The ``aithesis`` command line: a thin Typer + Rich shell over the Python API."""

from aithesis.cli.main import app, main

__all__ = ["app", "main"]
