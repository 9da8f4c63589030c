"""What the CLI exposes: output into a closed pipe ends quietly (exit 1, never a traceback
or an 'internal error'); a dashboard bound beyond loopback warns that it has no
authentication."""

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


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.20", True),
        ("my-laptop.local", True),
    ],
)
def test_binding_beyond_loopback_warns_that_there_is_no_authentication(
    host: str, warned: bool
) -> None:
    from aithesis.cli.serve import exposure_warning

    message = exposure_warning(host)
    assert (message is not None) is warned
    if warned:
        assert f"--host {host}" in message and "no authentication" in message
        assert "reachable from the network" in message


def test_serve_prints_the_warning_before_starting(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    import aithesis.cli.serve as serve_cli
    from aithesis.cli.main import app
    from aithesis.errors import AithesisError

    monkeypatch.setattr(serve_cli, "_require_streamlit", lambda: None)
    monkeypatch.setattr(serve_cli, "check_port", lambda host, port: None)

    def stop_here(*args, **kwargs):
        raise AithesisError("stopped by the test before building")

    monkeypatch.setattr("aithesis.project.build_project", stop_here)
    from aithesis.project import init_project

    root = init_project(tmp_path / "p")
    done = CliRunner().invoke(app, ["serve", str(root), "--host", "0.0.0.0"])
    assert "no authentication" in done.output and "stopped by the test" in done.output
