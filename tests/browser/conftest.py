"""Fixtures of the browser tests: a built project, the dashboard server, headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``; browser downloads are not possible here),
driven by Playwright's sync API. When the browser or Playwright is missing the tests
skip with the reason, except in CI (``CI=true``), where that is a failure.

Screenshots go to a pytest temporary folder and are copied to ``/tmp/aithesis-screens/``
(override with ``AITHESIS_SCREENS``) so that a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aithesis.project import build_project, init_project
from aithesis.project.results import ProjectResults

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 180.0
STOP_SECONDS = 20.0
# the page is idle: no script run in progress, no placeholder waiting for an element
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !!document.querySelector('[data-testid="stMain"] h1')"""


def _unavailable(reason: str) -> None:
    """Fail in CI (a missing browser must not pass silently), skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium: ``$AITHESIS_CHROMIUM``, ``chromium`` on PATH or /usr/bin/chromium."""
    explicit = os.environ.get("AITHESIS_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def free_port() -> int:
    """A TCP port nobody listens on right now (bind to port 0, read it, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(project: Path, port: int) -> list[str]:
    """``aithesis serve DIR --port N`` when the CLI has the command, else the same
    function called through Typer (before the lead registers it)."""
    import typer.main

    from aithesis.cli.main import app

    if "serve" in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        return [sys.executable, "-m", "aithesis", "serve", str(project), "--port", str(port)]
    runner = "import typer; from aithesis.cli.serve import serve; typer.run(serve)"
    return [sys.executable, "-c", runner, str(project), "--port", str(port)]


@pytest.fixture(scope="session")
def project_dir(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """An ``agix`` project on the real sample data, built once for the session."""
    root = init_project(tmp_path_factory.mktemp("browser") / "agix", "agix")
    build_project(root)
    return root


@pytest.fixture(scope="session")
def project_results(project_dir: Path) -> ProjectResults:
    """The session project's build results (read back from its cache)."""
    return build_project(project_dir).results


@pytest.fixture(scope="session")
def screens_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go (a copy of each is kept in /tmp/aithesis-screens/)."""
    return tmp_path_factory.mktemp("screens")


@pytest.fixture(scope="session")
def shoot(screens_dir: Path) -> Any:
    """``shoot(page, name)``: a full-length screenshot of a Streamlit page, or
    ``shoot(locator, name)`` for one element; returns the PNG path."""
    public = Path(os.environ.get("AITHESIS_SCREENS", "/tmp/aithesis-screens"))
    public.mkdir(parents=True, exist_ok=True)

    def take(target: Any, name: str) -> Path:
        path = screens_dir / f"{name}.png"
        if hasattr(target, "set_viewport_size"):  # a whole Streamlit page
            # the main area scrolls inside its own container: grow the viewport to fit it
            size = target.viewport_size
            height = target.evaluate(
                "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
                ".scrollHeight"
            )
            target.set_viewport_size({"width": size["width"], "height": int(height) + 120})
            target.wait_for_timeout(600)
            target.screenshot(path=str(path), full_page=True)
            target.set_viewport_size(size)
        else:
            target.screenshot(path=str(path))
        assert path.stat().st_size > 5_000, f"screenshot {name} looks empty"
        shutil.copy2(path, public / path.name)
        return path

    return take


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    """A headless Chromium context with a fresh profile (Debian's Chromium)."""
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium not found (install Debian's 'chromium' package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright)")
    profile = tempfile.mkdtemp(prefix="aithesis-chromium-")
    manager = sync_playwright().start()
    try:
        context = manager.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium does not start: {exc}")
    try:
        yield context
    finally:
        context.close()
        manager.stop()
        shutil.rmtree(profile, ignore_errors=True)


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def dashboard_url(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``aithesis serve`` on a free port for the session; stopped like Ctrl-C at the end."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(project_dir, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we stop the whole group
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _health(url):
            if process.poll() is not None:
                pytest.fail(
                    f"aithesis serve exited with {process.returncode}:\n"
                    + log_path.read_text(errors="replace")
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    "aithesis serve did not answer in time:\n"
                    + log_path.read_text(errors="replace")
                )
            time.sleep(0.5)
        yield url
    finally:
        _stop_group(process)
    assert process.returncode == 0, (
        f"Ctrl-C did not stop the server cleanly (exit {process.returncode}):\n"
        + log_path.read_text(errors="replace")
    )


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGINT to the server's process group (like Ctrl-C), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)
    except ProcessLookupError:
        pass


def _wait_idle(page: Any, timeout_ms: float = 120_000) -> None:
    """Wait until Streamlit finished its rerun and drew the page (twice, to be sure)."""
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        page.wait_for_timeout(500)


@pytest.fixture(scope="session")
def wait_idle() -> Any:
    """``wait_idle(page)``: block until the dashboard finished redrawing."""
    return _wait_idle
