"""``aithesis serve [DIR]``: the local dashboard (Streamlit) over a thesis project.

Loads the project (a bad folder is a one-line error), builds it when its inputs changed
(an unchanged project is read from the build cache), then runs
``python -m streamlit run <aithesis/app/dashboard.py> -- --project DIR`` bound to
127.0.0.1 by default. Ctrl-C stops the server and returns cleanly.
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from aithesis.cli._common import console, err_console
from aithesis.errors import AithesisError

__all__ = ["check_port", "dashboard_command", "serve"]

_STOP_SECONDS = 10.0


def dashboard_command(project_root: Path, host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The command that runs the dashboard for a project (Streamlit, headless, no telemetry).

    Args:
        project_root: the project folder (holds ``aithesis.yaml``).
        host: address to bind (``127.0.0.1``: this machine only).
        port: TCP port.

    Returns:
        ``[python, -m, streamlit, run, dashboard.py, ..., --, --project, DIR]``.
    """
    from aithesis.app import DASHBOARD

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",  # no "Deploy" button: this is a local, private app
        "--",
        "--project",
        str(project_root),
    ]


def check_port(host: str, port: int) -> None:
    """Fail early, with a clear message, when ``host:port`` cannot be bound.

    Raises:
        AithesisError: the port is in use or the address is not local/valid.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise AithesisError(
            f"cannot use address {host!r} ({exc})", field="--host", hint="try 127.0.0.1"
        ) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise AithesisError(
                f"cannot listen on {host}:{port} ({exc.strerror})",
                field="--port",
                hint="the port is probably in use; choose another with --port",
            ) from None


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` makes the dashboard reachable from other machines.

    Loopback addresses (``127.0.0.0/8``, ``::1``, ``localhost``) give None; anything else
    (``0.0.0.0``, ``::``, a LAN address or a host name) is reachable from the network.
    """
    import ipaddress

    if host.strip().lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any interface
    return (
        f"--host {host} makes the dashboard reachable from the network, and it has no "
        "authentication: anyone who can reach this machine can read the project's data. "
        "Use the default 127.0.0.1 unless you mean to share it on a trusted network."
    )


def _require_streamlit() -> None:
    if importlib.util.find_spec("streamlit") is None:
        raise AithesisError(
            "the dashboard needs Streamlit, which is not installed",
            hint="pip install 'aithesis[app]'",
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (SIGINT, like Ctrl-C), then terminate, then kill."""
    steps = (lambda: process.send_signal(signal.SIGINT), process.terminate, process.kill)
    for step in steps:
        if process.poll() is not None:
            return
        try:
            step()
            process.wait(timeout=_STOP_SECONDS)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def serve(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Project folder (default: current folder).", show_default=False),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", help="TCP port of the dashboard.", min=1, max=65535)
    ] = 8501,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind (127.0.0.1: this machine only)."),
    ] = "127.0.0.1",
) -> None:
    """Open the local dashboard (Index, Model, KPI, Claims) on a thesis project."""
    from aithesis.cli.project import progress_bars
    from aithesis.project import build_project, load_project

    project = load_project(folder)
    _require_streamlit()
    check_port(host, port)
    warning = exposure_warning(host)
    if warning:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    progress, update = progress_bars()
    with progress:
        outcome = build_project(project.root, progress=update)
    state = "up to date" if outcome.cached else f"built in {outcome.seconds:.1f} s"
    console.print(f"project {outcome.results.name}: {state}")
    console.print(f"dashboard: http://{host}:{port}  (Ctrl-C to stop)")

    process = subprocess.Popen(dashboard_command(project.root, host, port))

    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:  # a SIGTERM to this process stops the server too (main thread only)
        previous, installed = signal.signal(signal.SIGTERM, _on_term), True
    except ValueError:
        previous, installed = None, False
    try:
        code = process.wait()
    except KeyboardInterrupt:
        _stop(process)
        console.print("dashboard stopped")
        return
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)
        _stop(process)
    if code != 0:
        raise AithesisError(
            f"the dashboard server stopped with exit code {code}",
            hint="see the messages above; rerun with another --port if it was in use",
        )
