"""Why uncovered statements stay uncovered: the built-in reasons file and its display.

The reasons file (``aithesis/articles/data/uncovered.yaml``) must explain every uncovered
statement of the five source articles, so a new model, an edited article or an
extraction change that uncovers a statement fails here until it is explained.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aithesis.articles import (
    Reason,
    Use,
    coverage,
    explain,
    extract_text,
    load_reasons,
    match_uses,
)
from aithesis.articles.api import _record_figures
from aithesis.cli.main import app
from aithesis.errors import DataError

SEEDS = (
    "000_6538086bb4349cd9.txt",
    "001_c6bd7ca65735341f.txt",
    "002_96ddb6391e376a23.txt",
    "003_06e7966941b6a8a5.txt",
    "004_e942007e0de8bd6e.txt",
)
KINDS = (
    "not a quantity claim",
    "repeat",
    "checked elsewhere",
    "no data",
    "forecast beyond the data",
    "illustrative example",
    "time span",
)


@pytest.fixture(scope="module")
def result(seeds_dir: Path):
    return coverage([seeds_dir / name for name in SEEDS])


def test_every_uncovered_statement_of_the_five_articles_has_a_reason(result) -> None:
    assert result.uncovered, "nothing uncovered: the reasons file would be moot"
    missing = [
        f"{i.article}:{i.statement.line} {i.statement.span!r} {i.statement.quote[:30]}"
        for i in result.unexplained
    ]
    assert not missing, "add these to aithesis/articles/data/uncovered.yaml:\n" + "\n".join(missing)
    assert all(i.reason is None for i in result.items if i.covered)


def test_every_reason_names_an_uncovered_statement_and_says_its_kind(result) -> None:
    uncovered = {(i.article, i.statement.line, i.statement.span) for i in result.uncovered}
    for r in load_reasons():
        assert r.article in SEEDS, r
        key = (r.article, r.line, r.span)
        assert key in uncovered, f"stale reason (statement covered or gone): {r}"
        assert r.reason.startswith(KINDS), r.reason


def test_explain_matches_line_quote_start_and_span() -> None:
    text = "今年资本开支 100 亿元，同比增长 20%。\n这两项都不重要。\n"
    ex = extract_text(text)
    use = Use("f", "a.txt", "资本开支 100 亿元", (1e10,), "CNY")
    items, _ = match_uses("a.txt", text, ex, [use])
    reasons = [
        Reason("a.txt", 1, "今年资本开支", "20%", "no data: x"),
        Reason("a.txt", 1, "今年资本开支", "100 亿元", "never shown: covered"),
        Reason("a.txt", 2, "这两项", None, "not a quantity claim: y"),
        Reason("b.txt", 2, "这两项", None, "other article"),
    ]
    got = {i.statement.span: i.reason for i in explain(items, reasons)}
    assert got == {"100 亿元": None, "20%": "no data: x", "两项": "not a quantity claim: y"}
    wrong_start = [Reason("a.txt", 1, "资本开支", "20%", "z")]
    assert all(i.reason is None for i in explain(items, wrong_start))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a.txt:\n  - {line: 1, quote: x}\n", "needs line, quote and reason"),
        ("a.txt:\n  - {line: one, quote: x, reason: r}\n", "line must be a number"),
        ("- just a list\n", "article file names as keys"),
        ("a.txt: [\n", "not valid YAML"),
    ],
)
def test_bad_reasons_file_is_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "reasons.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        load_reasons(path)
    assert "reasons.yaml" in str(info.value) and "\n" not in str(info.value)


def test_record_claims_windows_and_thresholds_are_their_figures() -> None:
    assert _record_figures('total_return(CRM, "article_date - 2M", article_date)') == [
        (2.0, "month")
    ]
    assert _record_figures("first_date(market_cap(NVDA, t) >= 5e12, article_date)") == [
        (5e12, "USD")
    ]
    assert _record_figures('excess_return(NVDA, SPY, "latest - 30D", latest)') == [(30.0, "day")]
    assert _record_figures("close(AAPL, 2008)") == []


def test_cli_shows_the_reason_beside_each_uncovered_statement(seeds_dir: Path) -> None:
    article = str(seeds_dir / SEEDS[4])
    out = CliRunner().invoke(app, ["claims", "coverage", "-a", article, "-f", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    keys = {"article", "quote", "line", "span", "value", "low", "high", "unit", "op", "period"}
    for row in payload["statements"]:
        assert keys | {"kind", "covered", "used_by", "reason"} <= set(row)
        assert (row["reason"] is None) == row["covered"]
    reasons = {r.span: r.reason for r in load_reasons() if r.article == SEEDS[4]}
    table = CliRunner().invoke(app, ["claims", "coverage", "-a", article], env={"COLUMNS": "400"})
    assert table.exit_code == 0, table.output
    assert "reason" in table.stdout and reasons["8300亿美元"][:40] in table.stdout
    frame = CliRunner().invoke(app, ["claims", "coverage", "-a", article, "-f", "csv"])
    assert frame.stdout.splitlines()[0].endswith(",used_by,reason")


@pytest.mark.parametrize("columns", [80, 120])
def test_the_reason_and_quote_stay_visible_on_a_narrow_terminal(
    seeds_dir: Path, columns: int
) -> None:
    """At 80 and 120 columns each uncovered statement's row (line, span, value) is
    followed by its whole reason and quote, wrapped under it: nothing is cut."""
    from aithesis.cli import _common

    reasons = {r.span: r.reason for r in load_reasons() if r.article == SEEDS[4]}
    saved = [(c, c._width) for c in (_common.console, _common.err_console)]
    for c, _ in saved:
        c.width = columns
    try:
        out = CliRunner().invoke(app, ["claims", "coverage"])  # every article
    finally:
        for c, old in saved:
            c._width = old
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns and "…" not in out.stdout
    # the article is the title of its statements; under its row, the reason then the quote
    mine = coverage([seeds_dir / SEEDS[4]]).uncovered
    first = lines.index(f"{SEEDS[4]}: {len(mine)} uncovered")
    row = next(i for i in range(first, len(lines)) if " 8300亿美元 " in lines[i])
    assert lines[row + 1].strip().startswith("reason: " + reasons["8300亿美元"].split()[0])
    below = "".join("".join(lines[row + 1 : row + 8]).split())
    quote = next(i.statement.quote for i in mine if i.statement.span == "8300亿美元")
    assert "".join(reasons["8300亿美元"].split()) in below
    assert "quote:" + "".join(quote.split()) in below
