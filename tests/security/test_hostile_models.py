"""Hostile or broken model files and options: one-line ``error:``, exit 1, never a crash.

Reproductions of issue 18 (each was ``error: internal error (...)``, exit 2, or a Typer
usage error, exit 2): Rich markup such as ``[/x]`` in a model's title or quote broke
``model show``; a model YAML that is not UTF-8; YAML nested 5,000 deep; a uniform range
of +-1e308; ``--seed -1``; ``--draws 1e23``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.specfile import MAX_SPEC_BYTES

runner = CliRunner()

GOOD = """\
name: hostile-model
title: TITLE
drivers:
  a: {value: 2, unit: USD_bn, low: 1, high: 3, dist: uniform, source: "SOURCE"}
formulas:
  b: a * 2
claims:
  - {id: k, expr: b, claimed: 4, unit: USD_bn, quote: "QUOTE"}
scenarios:
  bear: {a: 1}
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "hostile-model.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _error_line(args: list[str]) -> str:
    res = runner.invoke(app, args)
    lines = [line for line in res.output.strip().splitlines() if line]
    assert res.exit_code == 1, (res.exit_code, res.output)
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert "internal error" not in lines[0] and "Traceback" not in res.output
    return lines[0]


MARKUP = ["[/x]", "[bold]open", "[/]", "[link=file:///etc/passwd]x[/link]", "a[red]b[/red]c"]


@pytest.mark.parametrize("text", MARKUP)
def test_rich_markup_in_user_text_is_shown_literally(tmp_path: Path, text: str) -> None:
    yaml_text = text.replace("\\", "\\\\").replace('"', '\\"')
    model = GOOD.replace("TITLE", f'"{yaml_text}"')
    model = model.replace("SOURCE", yaml_text).replace("QUOTE", yaml_text)
    path = _write(tmp_path, model)
    for args in (["model", "show", str(path)], ["model", "check", str(path)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
    shown = runner.invoke(app, ["model", "show", str(path)]).output
    assert shown.count(text) >= 3  # title, driver source and claim quote, as written


def test_markup_in_names_units_and_notes_of_tables(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("TITLE", '"[/x]"').replace("bear", '"[/bear]"'))
    for args in (
        ["model", "run", str(path)],
        ["model", "sensitivity", str(path)],
        ["model", "mc", str(path), "-n", "1000", "--seed", "1", "--target", "b>=4"],
        ["model", "show", str(path), "--scenario", "[/bear]"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
    assert "[/bear]" in runner.invoke(app, ["model", "show", str(path)]).output


def test_a_model_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    raw = GOOD.replace("TITLE", "caf\u00e9").encode("latin-1")
    line = _error_line(["model", "show", str(_write(tmp_path, raw))])
    assert "hostile-model.yaml:2: cannot read file (not UTF-8 text" in line
    assert "save the file as UTF-8" in line


def test_a_model_nested_5000_deep_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("TITLE", "t") + "description: " + "[" * 5000 + "]" * 5000 + "\n"
    line = _error_line(["model", "show", str(_write(tmp_path, text))])
    assert "hostile-model.yaml" in line and "nested more than" in line


def test_a_huge_model_file_is_refused(tmp_path: Path) -> None:
    filler = "# " + "x" * 97 + "\n"
    text = GOOD.replace("TITLE", "t") + filler * (MAX_SPEC_BYTES // len(filler) + 10)
    line = _error_line(["model", "show", str(_write(tmp_path, text))])
    assert "hostile-model.yaml: spec file is 2.0 MB; the limit is 2 MB" in line


@pytest.mark.parametrize(
    "driver",
    [
        "{value: 0, low: -1e308, high: 1e308, dist: uniform}",
        "{value: 0, low: -1.7e308, high: 1.7e308, dist: triangular}",
        "{value: 0, low: -1e308, high: 1e308, dist: normal}",
        "{value: 0, low: -1e308, high: 1e308, dist: pert}",
    ],
)
def test_a_range_too_wide_to_draw_from_is_refused(tmp_path: Path, driver: str) -> None:
    text = GOOD.replace("TITLE", "t").replace(
        '{value: 2, unit: USD_bn, low: 1, high: 3, dist: uniform, source: "SOURCE"}', driver
    )
    text = text.replace("unit: USD_bn, quote", "quote")
    line = _error_line(["model", "mc", str(_write(tmp_path, text)), "-n", "100"])
    assert "hostile-model.yaml:4: 'drivers.a'" in line and "too wide" in line


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--seed", "-1"], "'seed': seed must be an integer >= 0"),
        (["--seed", "1.5"], "'--seed': '1.5' is not a whole number"),
        (["--seed", "x"], "'--seed': 'x' is not a whole number"),
        (["--draws", "1e23"], "'draws': 99,999,999,999,999,991,611,392 draws is more than"),
        (["--draws", "2.5"], "'--draws': '2.5' is not a whole number"),
        (["--draws", "inf"], "'--draws': 'inf' is not a whole number"),
        (["--draws", "0"], "'draws': number of draws must be a positive integer"),
        (["--draws", "10000001"], "10,000,001 draws is more than the 10,000,000"),
    ],
)
def test_bad_draws_and_seeds_are_one_line_errors(options: list[str], words: str) -> None:
    assert words in _error_line(["model", "mc", "nvda-5t", *options])


def test_draws_and_seed_written_as_1e5_still_work() -> None:
    a = runner.invoke(app, ["model", "mc", "nvda-5t", "-n", "1e4", "--seed", "7", "-f", "json"])
    b = runner.invoke(app, ["model", "mc", "nvda-5t", "-n", "10000", "--seed", "7", "-f", "json"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    assert '"n": 10000' in a.stdout and '"seed": 7' in a.stdout
