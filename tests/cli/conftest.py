"""CLI test helpers: lay the shared Rich consoles out at a fixed terminal width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aithesis.cli import _common


@pytest.fixture(params=[80, 120], ids=["80col", "120col"])
def columns(request: pytest.FixtureRequest) -> Iterator[int]:
    """The CLI's consoles as an N-column terminal for the duration of a test."""
    width = int(request.param)
    saved = [(c, c._width) for c in (_common.console, _common.err_console)]
    for c, _ in saved:
        c.width = width
    try:
        yield width
    finally:
        for c, old in saved:
            c._width = old
