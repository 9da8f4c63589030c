"""``claims coverage`` and ``claims extract`` at 80 and 120 columns: every quote whole
(wrapped, never cut with an ellipsis), no line past the edge, line numbers, spans and
values never split; ``--wide`` is the full table; Chinese text breaks between characters
but never inside a number and its unit."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from tests.articles.test_uncovered_reasons import SEEDS
from typer.testing import CliRunner

from aithesis.articles import coverage, extract
from aithesis.cli import _common, claims
from aithesis.cli._common import wrap_text
from aithesis.cli.main import app

runner = CliRunner()
NUMBER = re.compile(r"\d+(?:[.,\-~]\d+)*%?")


@pytest.fixture(params=[80, 120], ids=["80col", "120col"])
def recorded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Run a command on a recording console of 80 or 120 columns; gives (width, run)."""
    width = int(request.param)

    def run(*args: str) -> str:
        rec = Console(width=width, highlight=False, record=True, file=io.StringIO())
        monkeypatch.setattr(_common, "console", rec)
        monkeypatch.setattr(claims, "console", rec)
        res = runner.invoke(app, list(args))
        assert res.exit_code == 0, res.output
        return rec.export_text()

    return width, run


def _squash(text: str) -> str:
    """The text without spaces, line breaks and table rules: a wrapped quote reads as one."""
    return re.sub(r"[\s│┃]", "", text)


def _readable(text: str) -> str:
    """:func:`_squash` of the output with each boxed table read column by column (a cell
    wrapped over several lines reads as one), then the lines outside the tables."""
    blocks: list[list[list[str]]] = [[]]
    outside = []
    for line in text.splitlines():
        if line.startswith("│"):
            blocks[-1].append(line.strip().strip("│").split("│"))
        else:
            outside.append(line)
            if blocks[-1]:
                blocks.append([])
    columns = ["".join(col) for rows in blocks for col in zip(*rows, strict=False)]
    return _squash("\n".join([*columns, *outside]))


def _check_fits(text: str, width: int) -> None:
    assert "…" not in text, text
    too_long = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_long, too_long


def _check_rows(text: str, statements: list) -> None:
    """Each statement's line number, span and value are whole on one output line, and its
    quote is there in full (wrapped lines joined)."""
    lines = text.splitlines()
    squashed = _readable(text)
    for s in statements:
        value = claims._value_text(s)
        assert any(
            re.search(rf"(?<!\d)\s*{s.line}\s", line) and f" {s.span} " in line and value in line
            for line in lines
        ), (s.line, s.span, value)
        assert _squash(s.quote) in squashed, s.quote


def test_extract_shows_every_quote_whole(recorded, seeds_dir: Path) -> None:
    width, run = recorded
    for name in SEEDS:
        path = seeds_dir / name
        text = run("claims", "extract", str(path))
        _check_fits(text, width)
        statements = list(extract(path).statements)
        assert f"{name}: {len(statements)} statements" in text
        _check_rows(text, statements)


def test_coverage_shows_every_uncovered_quote_and_reason_whole(recorded, seeds_dir) -> None:
    width, run = recorded
    text = run("claims", "coverage")
    _check_fits(text, width)
    result = coverage(None)
    assert {i.article for i in result.uncovered} == set(SEEDS)
    _check_rows(text, [i.statement for i in result.uncovered])
    squashed = _readable(text)

    def pct(row: dict) -> str:
        return f"{row['coverage']:.0%}"

    for item in result.uncovered:
        assert _squash(item.reason or "") in squashed, item.reason
    for row in result.per_article():  # the summary: counts on the article's line
        line = next(x for x in text.splitlines() if row["article"] in x and "%" in x)
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        assert cells == [row["article"], str(row["statements"]), str(row["covered"]), pct(row)]
    assert f"{len(result.uncovered)} uncovered statements" in text
    # the --wide hint once, after the last article's table (not once per article)
    folded = "quote:" in text  # some quotes went under their rows
    assert text.count(_common.WIDE_HINT) == (1 if folded else 0)
    if folded:
        assert text.rindex(_common.WIDE_HINT) > text.rindex(list(SEEDS)[-1] + ":")


def test_coverage_wide_is_one_table_with_every_column(recorded, seeds_dir) -> None:
    width, run = recorded
    article = str(seeds_dir / SEEDS[4])
    text = run("claims", "coverage", "-a", article, "--wide")
    assert "…" not in text
    header = next(line for line in text.splitlines() if " span " in line)
    assert header.split("┃")[1:-1] and [h.strip() for h in header.split("┃")[1:-1]] == [
        "article",
        "line",
        "span",
        "value",
        "op",
        "period",
        "reason",
        "quote",
    ]
    for item in coverage([Path(article)]).uncovered:  # one line per statement, whole
        line = next(x for x in text.splitlines() if item.statement.quote in x)
        assert item.article in line and (item.reason or "") in line
    assert max(cell_len(line) for line in text.splitlines()) > width


def test_extract_wide_keeps_each_statement_on_one_line(recorded, seeds_dir) -> None:
    _, run = recorded
    path = seeds_dir / SEEDS[3]
    text = run("claims", "extract", str(path), "--wide")
    assert "…" not in text and "article" not in text
    for s in extract(path).statements:
        assert any(s.quote in line and f" {s.span} " in line for line in text.splitlines())


def test_json_and_csv_are_not_laid_out(seeds_dir: Path) -> None:
    """The machine formats ignore the terminal: the same bytes at 80 and 200 columns."""
    article = str(seeds_dir / SEEDS[4])
    outputs = {}
    for width in (80, 200):
        saved = _common.console._width
        _common.console.width = width
        try:
            outputs[width] = [
                runner.invoke(app, ["claims", *args]).stdout
                for args in (
                    ["coverage", "-a", article, "-f", "json"],
                    ["coverage", "-a", article, "-f", "csv"],
                    ["extract", article, "-f", "json"],
                    ["extract", article, "-f", "csv"],
                )
            ]
        finally:
            _common.console._width = saved
    assert outputs[80] == outputs[200]
    quotes = {r["quote"] for r in json.loads(outputs[80][0])["statements"]}
    assert {s.quote for s in extract(article).statements} == quotes  # whole, not cut


def test_chinese_wraps_between_characters_never_inside_a_number(seeds_dir: Path) -> None:
    quotes = {s.quote for name in SEEDS for s in extract(seeds_dir / name).statements}
    for width in (12, 17, 24, 40, 78):
        for quote in quotes:
            lines = wrap_text(quote, width).plain.split("\n")
            assert all(cell_len(line) <= width for line in lines), (width, lines)
            assert _squash("".join(lines)) == _squash(quote)
            for number in NUMBER.findall(quote):  # each figure whole on one line
                assert any(number in line for line in lines), (width, number, lines)
    # a figure keeps its Chinese unit; closing punctuation never starts a line
    lines = wrap_text("资本开支246.12亿元，同比增长超过120%。", 12).plain.split("\n")
    assert any("246.12亿元" in line for line in lines), lines
    assert not any(line[:1] in "，。%" for line in lines), lines
    assert wrap_text("the quick brown fox", 10).plain == "the quick\nbrown fox"
