"""Hostile data calls and ``from:`` drivers: refused before anything runs, and evaluation
never reads a file or the network from inside the formula evaluator.

A data function's arguments are tickers, index names, dates and KPI names (plain text of
a small alphabet, a year or a bare name): nothing else is accepted, so no argument can
become a path, a URL, SQL or code. The figures are fetched by the caller beforehand
(:mod:`aithesis.thesis.record_fetch`); the evaluator only looks them up.
"""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.errors import FormulaError
from aithesis.thesis import expr as fx

runner = CliRunner()

HOSTILE = [
    'close(NVDA, open("/etc/passwd"))',
    'close("../../etc/passwd", latest)',
    'market_cap("http://example.com/x", latest)',
    'index_level("/etc/passwd", latest)',
    'index_level(agix, __import__("os"))',
    "index_level(__class__, latest)",
    'kpi(NVDA, capex, "FY2025; DROP TABLE prices")',
    "kpi(NVDA, capex, 2025).real",
    "close(NVDA, latest)[0]",
    "close(NVDA, x=1)",
    "close(*NVDA, latest)",
    "close(NVDA, lambda: 1)",
    "close(NVDA, 1 + 1)",
    "close(NVDA, 99999)",
    "index_level(agix, latest, latest)",
    "first_date(first_date(close(NVDA, t) > 1, latest) > 1, latest)",
    '"NVDA" + 1',
]


@pytest.mark.parametrize("formula", HOSTILE)
def test_hostile_data_calls_are_refused_by_the_parser(formula: str) -> None:
    with pytest.raises(FormulaError):
        fx.parse(formula)


def _model(tmp_path: Path, expr: str) -> Path:
    path = tmp_path / "hostile-from.yaml"
    quoted = expr.replace("'", "''")
    path.write_text(
        "name: hostile-from\ntitle: t\ndrivers:\n  a:\n    value: 1\n"
        f"    from: '{quoted}'\nformulas:\n  b: a * 2\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("formula", HOSTILE)
def test_hostile_from_is_a_one_line_error_naming_the_driver(tmp_path: Path, formula: str) -> None:
    res = runner.invoke(app, ["model", "run", str(_model(tmp_path, formula))])
    lines = [line for line in res.output.strip().splitlines() if line]
    assert res.exit_code == 1, res.output
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert "hostile-from.yaml:6" in lines[0] and "drivers.a.from" in lines[0]
    assert "internal error" not in lines[0] and "Traceback" not in res.output


@pytest.fixture
def no_io(monkeypatch: pytest.MonkeyPatch):
    """Make every way of reading a file, starting a process or opening a socket fail."""

    def refuse(*args, **kwargs):
        raise AssertionError("I/O inside the evaluator")

    def install() -> None:
        for target, name in (
            (builtins, "open"),
            (io, "open"),
            (os, "open"),
            (socket, "socket"),
            (socket, "create_connection"),
            (subprocess, "Popen"),
        ):
            monkeypatch.setattr(target, name, refuse)

    return install


def test_from_and_index_level_evaluate_without_any_io(sample_store, sample_dir, no_io):
    from aithesis.thesis.record import judge
    from aithesis.thesis.record_fetch import fetch_record, record_requests
    from aithesis.thesis.record_from import compile_from, from_value
    from aithesis.thesis.spec import RecordClaimSpec, spec_from_text

    text = (
        "name: io-free\ntitle: t\ndrivers:\n"
        "  cap: {value: 1, unit: USD_tn, from: 'market_cap(NVDA, latest)'}\n"
        "  lvl: {value: 1, from: 'index_level(agix, \"2025-06-30\") / close(NVDA, 2025)'}\n"
        "  cx: {value: 1, unit: USD_bn/year, from: 'kpi(MSFT, capex, 2025)'}\n"
    )
    spec, root = spec_from_text(text, "io-free.yaml")
    froms = compile_from(spec, "io-free.yaml", root)
    data = fetch_record(
        sample_store, record_requests([f.tree for f in froms.values()]), sample_dir / "sec"
    )
    expr = 'index_level(agix, "2025-06-30") / 1000 + total_return(NVDA, 2025)'
    tree = fx.parse(expr)
    fn = fx.compile_tree(tree, set(), data=True)
    claim = RecordClaimSpec(kind="record", id="c", expr=expr, claimed=1.0)
    wanted = record_requests([tree])
    more = fetch_record(sample_store, wanted)
    no_io()  # from here on, any file, process or socket access fails the test
    values = {n: from_value(f, data, dt.date(2026, 5, 29)) for n, f in froms.items()}
    assert all(v > 0 for v in values.values())
    verdict = judge(tree, fn, claim, 1.0, more, dt.date(2025, 7, 1), dt.date(2026, 5, 29))
    assert verdict.status in ("came_true", "did_not_come_true") and verdict.computed > 0
