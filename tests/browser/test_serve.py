"""``aithesis serve``: clear errors before anything starts, and the server command."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aithesis.app import DASHBOARD
from aithesis.cli import serve as serve_module
from aithesis.cli.serve import check_port, dashboard_command, serve
from aithesis.errors import AithesisError, SpecError
from aithesis.project import init_project


@pytest.fixture()
def fresh_project(tmp_path: Path) -> Path:
    """A project folder (not built: these errors come before any build)."""
    return init_project(tmp_path / "proj", "agix")


def test_serve_on_a_folder_without_a_project_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        serve(tmp_path, port=8501, host="127.0.0.1")
    assert str(tmp_path) in str(caught.value) and "aithesis.yaml" in str(caught.value)


def test_serve_without_streamlit_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, fresh_project: Path
) -> None:
    real = serve_module.importlib.util.find_spec
    monkeypatch.setattr(
        serve_module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "streamlit" else real(name, *a),
    )
    with pytest.raises(AithesisError) as caught:
        serve(fresh_project, port=8501, host="127.0.0.1")
    assert "pip install 'aithesis[app]'" in str(caught.value)


def test_serve_refuses_a_port_that_is_in_use(fresh_project: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(AithesisError) as caught:
            serve(fresh_project, port=port, host="127.0.0.1")
        assert caught.value.field == "--port"
        assert f"127.0.0.1:{port}" in str(caught.value)
        check_port("127.0.0.1", 0)  # any free port is fine


def test_dashboard_command_is_local_headless_and_names_the_project(tmp_path: Path) -> None:
    command = dashboard_command(tmp_path, "127.0.0.1", 8123)
    assert command[1:5] == ["-m", "streamlit", "run", str(DASHBOARD)]
    assert Path(command[4]).is_file()
    options = dict(zip(command[5:-3:2], command[6:-3:2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8123"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert command[-3:] == ["--", "--project", str(tmp_path)]
