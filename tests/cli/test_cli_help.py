"""Every command's --help reads as prose: no reStructuredText from the docstrings
(````from:````, ``:func:`...```) leaks into the terminal."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()
RST = re.compile(r"``|:(?:func|class|data|mod|meth|attr):`")


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):  # a group's
        out += _paths(sub, (*prefix, name))
    return out


def test_no_help_page_shows_rst_markup() -> None:
    paths = _paths(typer.main.get_command(app))
    assert len(paths) > 40  # every group and subcommand, not just the root
    leaks = {}
    for path in paths:
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert res.exit_code == 0, (path, res.output)
        found = [line.strip() for line in res.stdout.splitlines() if RST.search(line)]
        if found:
            leaks[" ".join(path)] = found
    assert not leaks, leaks


def test_every_command_summary_is_one_paragraph() -> None:
    """A group's command list shows each command's first docstring paragraph; a hard
    line break inside it printed 'metrics.json,' and ' index.xlsx' as two lines at any
    width (index build)."""
    root = typer.main.get_command(app)
    broken = {}
    for path in _paths(root):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        first = (command.help or "").strip().split("\n\n")[0]
        if "\n" in first:
            broken[" ".join(path)] = first
    assert not broken, broken
    res = runner.invoke(app, ["index", "--help"], env={"COLUMNS": "200"})
    line = next(x for x in res.stdout.splitlines() if " build " in x)
    assert "write its tables" in line
