"""Output piped into a reader that stops early ends quietly (exit 1), never a traceback
or an 'internal error'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aithesis.data.api import import_dir
from aithesis.data.store import Store


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("pipes") / "s.duckdb"
    import_dir(Store(path), sample_dir, tickers=["NVDA", "SPY"])
    return path


def _exe() -> list[str]:
    exe = Path(sys.executable).parent / "aithesis"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "aithesis.cli.main"]


@pytest.mark.parametrize(
    "args",
    [
        ["data", "show", "NVDA", "--rows", "6000"],
        ["kpi", "facts", "--format", "csv"],
        ["model", "check", "--all", "--format", "json"],
    ],
    ids=["table", "csv", "json"],
)
def test_a_closed_pipe_ends_quietly(small_store: Path, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before we write a byte
    done = subprocess.run(
        [*_exe(), "--store", str(small_store), *args],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )
    os.close(write_end)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "BrokenPipe" not in done.stderr
