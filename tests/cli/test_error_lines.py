"""A user error is exactly one line, whatever the text it quotes holds."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app, one_line

runner = CliRunner()


@pytest.mark.parametrize("sep", ["\n", "\r", "\x1e", "\x0b", "\x85", "\u2028"])
def test_a_line_break_in_quoted_text_is_escaped(sep: str) -> None:
    result = runner.invoke(app, ["model", "show", f"no{sep}such-model"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert sep.encode("unicode_escape").decode("ascii") in lines[0]


def test_printable_text_is_kept_as_is() -> None:
    assert one_line("腾讯控股 é [/x] a\tb") == "腾讯控股 é [/x] a\\tb"
    assert one_line("plain") == "plain"
