"""Record claims: bad input gives one line naming file, line and claim; no I/O in judging."""

from __future__ import annotations

import builtins
import datetime as dt
import socket

import pytest

from aithesis.errors import AithesisError, DataError, FormulaError
from aithesis.thesis import expr as fx
from aithesis.thesis.record_api import check_records, fetch_record

HEAD = """\
name: rec-test
title: record test
source: 002_96ddb6391e376a23.txt
drivers:
  x: 1
claims:
  - id: fine
    kind: record
    expr: close(NVDA, article_date)
    claimed: 1
  - id: bad
    kind: record
    expr: {expr}
    claimed: 1
"""


def _run(write_model, sample_store, expr: str, **kw):
    path = write_model(HEAD.format(expr=expr), name="rec-test")
    with pytest.raises(AithesisError) as info:
        check_records([path], store=sample_store, **kw)
    text = str(info.value)
    assert "\n" not in text
    row = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if expr in line)
    assert f"{path}:{row}" in text and "claims.bad" in text
    return text


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ('close(ZZZQ, "2024-01-02")', "unknown ticker 'ZZZQ'"),
        ('close(NVDA, "1990-01-02")', "is before the data of NVDA"),
        ('close(NVDA, "2024-13-45")', "is not a date"),
        ('total_return(NVDA, "next tuesday", latest)', "is not a date"),
    ],
)
def test_bad_input_names_file_line_and_claim(write_model, sample_store, expr, words):
    assert words in _run(write_model, sample_store, expr)


def test_missing_kpi_fact_is_no_data_or_an_error_when_strict(write_model, sample_store):
    expr = "kpi(NVDA, capex, 1990)"
    text = _run(write_model, sample_store, expr, strict=True)
    assert "no capex fact for NVDA FY1990" in text
    path = write_model(HEAD.format(expr=expr), name="rec-test")
    report = check_records([path], store=sample_store)
    r = report.get("bad")
    assert r.status_since == "no_data" and "FY1990" in r.note


def test_record_claims_without_a_store(write_model):
    path = write_model(HEAD.format(expr="close(NVDA, latest)"), name="rec-test")
    with pytest.raises(DataError, match="need a store") as info:
        check_records([path], store=None)
    assert "claims.fine" in str(info.value) and f"{path}:" in str(info.value)


def test_data_function_in_a_model_formula_is_refused(write_model):
    from aithesis.thesis import load_model

    path = write_model(
        "name: f\ntitle: f\ndrivers:\n  x: 1\nformulas:\n  y: x * close(NVDA, latest)\n",
        name="f",
    )
    with pytest.raises(FormulaError, match=r"close\(\) reads the record and has no store") as info:
        load_model(path)
    assert f"{path}:6:" in str(info.value) and "formulas.y" in str(info.value)


def test_unparseable_article_date(write_model, sample_store):
    text = HEAD.format(expr="close(NVDA, latest)").replace(
        "    claimed: 1\n", "    claimed: 1\n    article_date: June 2024\n", 1
    )
    path = write_model(text, name="rec-test")
    with pytest.raises(AithesisError, match="not an ISO date") as info:
        check_records([path], store=sample_store)
    assert "claims.fine" in str(info.value)


@pytest.mark.parametrize(
    "formula",
    [
        'close(NVDA, open("/etc/passwd"))',
        'close("../../etc/passwd", latest)',
        "close(__import__, latest)",
        "close(NVDA, latest).real",
        "close(NVDA, x=1)",
        "first_date(first_date(close(NVDA, t) > 1, latest) > 1, latest)",
        "first_date(1 > 0, latest)",
        'kpi(NVDA, capex, "FY2025; DROP TABLE prices")',
        '"NVDA" + 1',
        "close(NVDA, 1 + 1)",
    ],
)
def test_hostile_data_calls_are_refused(formula):
    with pytest.raises(FormulaError):
        fx.parse(formula)


def test_judging_reads_no_file_and_no_network(sample_store, sample_dir, monkeypatch):
    from aithesis.thesis.record import judge
    from aithesis.thesis.spec import RecordClaimSpec

    expr = 'market_cap(NVDA, "2024-06-14") / 1e12 + total_return(NVDA, 2025)'
    tree = fx.parse(expr)
    fn = fx.compile_tree(tree, set(), data=True)
    data = fetch_record(
        sample_store, {"prices": {"NVDA"}, "shares": {"NVDA"}, "kpi": set()}, sample_dir / "sec"
    )
    spec = RecordClaimSpec(kind="record", id="c", expr=expr, claimed=3.0)

    def refuse(*a, **k):
        raise AssertionError("I/O inside the evaluator")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    verdict = judge(tree, fn, spec, 1.0, data, dt.date(2026, 2, 1), dt.date(2026, 5, 29))
    assert verdict.status in ("ok", "flagged") and verdict.computed > 3


FROM = """\
name: from-test
title: from test
drivers:
  x: 1
  cap:
    value: 3
    unit: UNIT
    from: 'EXPR'
"""


def _from_error(write_model, expr: str, store=None, unit: str = "USD_tn", **kw) -> str:
    from aithesis.thesis.record_bind import load_model_as_of

    path = write_model(FROM.replace("EXPR", expr).replace("UNIT", unit), name="from-test")
    with pytest.raises(AithesisError) as info:
        load_model_as_of(path, store=store, **kw)
    text = str(info.value)
    assert "\n" not in text
    assert f"{path}:8" in text and "drivers.cap.from" in text  # line 8 is 'from:'
    return text


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ('open("/etc/passwd")', "call of 'open' is not allowed"),
        ("1 + 2", "from: needs a data function"),
        ("first_date(close(NVDA, t) > 1, latest)", "gives a date"),
        ("close(NVDA, latest) * x", "unknown name 'x'"),
        ("close(NVDA, latest).real", "not allowed"),
    ],
)
def test_bad_from_is_refused_when_the_model_is_loaded(write_model, expr, words):
    assert words in _from_error(write_model, expr)


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("market_cap(ZZZQ, latest)", "unknown ticker 'ZZZQ'"),
        ('close(NVDA, "1990-01-02")', "is before the data of NVDA"),
        ('close(NVDA, "2024-13-45")', "is not a date"),
        ("kpi(NVDA, capex, 1990)", "no capex fact for NVDA FY1990"),
        ('close(NVDA, "2025-01-02")', "after the as-of date 2024-06-14"),
        ("index_level(nosuchindex, latest)", "unknown index 'nosuchindex'"),
        ("close(NVDA, article_date)", "no catalogue date"),
    ],
)
def test_bad_from_is_refused_when_bound(write_model, sample_store, expr, words):
    text = _from_error(write_model, expr, store=sample_store, as_of="2024-06-14")
    assert words in text


def test_from_with_a_unit_that_cannot_hold_a_figure(write_model):
    assert "cannot hold a data figure" in _from_error(
        write_model, "close(NVDA, latest)", unit="kWh"
    )


def test_from_without_a_literal_value_needs_a_store(write_model):
    from aithesis.thesis import load_model

    text = FROM.replace("EXPR", "close(NVDA, latest)").replace("UNIT", "USD")
    path = write_model(text.replace("    value: 3\n", ""), name="from-test")
    with pytest.raises(AithesisError, match="has no literal value") as info:
        load_model(path)
    assert f"{path}:7:" in str(info.value) and "drivers.cap" in str(info.value)


def test_a_bound_driver_is_fixed(write_model):
    from aithesis.thesis import load_model

    text = FROM.replace("EXPR", "close(NVDA, latest)").replace("UNIT", "USD")
    path = write_model(text.replace("    value: 3\n", "    value: 3\n    low: 1\n    high: 4\n"))
    with pytest.raises(AithesisError, match="is a fixed input") as info:
        load_model(path)
    assert f"{path}:5:" in str(info.value) and "drivers.cap" in str(info.value)
