"""The ``aithesis`` command line: a thin Typer + Rich shell over the Python API.

Command groups live in their own modules (``cli/data.py``, ``cli/index.py``, ...) and
are registered in :mod:`aithesis.cli.main`; importing one group does not import the rest.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (``aithesis``)."""
    from aithesis.cli.main import main as _main

    _main()


def __getattr__(name: str) -> Any:
    if name == "app":
        from aithesis.cli.main import app

        return app
    raise AttributeError(name)
