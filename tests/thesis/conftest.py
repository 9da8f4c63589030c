"""Shared helpers for thesis tests: write small synthetic model files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML text (dedented) to ``tmp_path/<name>.yaml`` and return the path."""

    def _write(text: str, name: str = "synthetic-model") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
