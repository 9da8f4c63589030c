"""A claim whose computed value is NaN or infinite is 'undetermined', never 'ok'.

Reproduction of issue 18: ``max(0.0, nan)`` is ``0.0``, so a NaN (or an infinite value
from a division by zero) passed ``>=``, ``<=``, ``in`` and ``plausible`` as ``ok``, and
``--format json`` printed ``NaN``/``Infinity``, which is not JSON.
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.thesis import load_model

MODEL = """\
name: not-finite
title: claims over values that are not numbers
drivers:
  zero: {value: 0}
  minus: {value: -1}
  one: {value: 1, low: 0, high: 2, dist: uniform}
formulas:
  pos_inf: 1 / zero
  nan: log(minus)
  neg_inf: -1 / zero
claims:
"""

EXPRS = ("pos_inf", "nan", "neg_inf")
OPS = {
    ">=": "claimed: 5",
    "<=": "claimed: 5",
    "in": "claimed: [1, 2]",
    "plausible": "claimed: 1",
    "=": "claimed: 5",
}


def _claims() -> str:
    lines = []
    for expr in EXPRS:
        for k, (op, claimed) in enumerate(OPS.items()):
            lines.append(f"  - {{id: {expr}_{k}, expr: {expr}, op: '{op}', {claimed}}}")
    # finite at the base case (one = 1 gives -1, the claimed value) but infinite at the
    # corner one = 2 of the computed range
    lines.append("  - {id: corner, expr: 1 / (one - 2), op: 'plausible', claimed: -1}")
    lines.append("  - {id: fine, expr: one, op: '>=', claimed: 0.5}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def model_file(write_model):
    return write_model(MODEL + _claims(), name="not-finite")


def test_not_finite_values_are_undetermined_for_every_op(model_file) -> None:
    report = load_model(model_file).check_claims(cross=False)
    for expr in EXPRS:
        for k, op in enumerate(OPS):
            result = report.get(f"{expr}_{k}")
            assert result.status == "undetermined", (expr, op, result)
            assert math.isnan(result.rel_error)
            assert "not a finite number" in result.note
    assert {r.claim_id for r in report.undetermined} == {
        f"{e}_{k}" for e in EXPRS for k in range(len(OPS))
    } | {"corner"}
    assert report.flagged == ()
    # a finite claim is judged as before: 1 >= 0.5 holds
    assert report.get("fine").status == "ok" and report.get("fine").rel_error == 0.0
    assert report.get("corner").status == "undetermined"


def _refuse(name: str) -> None:
    raise ValueError(f"not JSON: {name}")


def test_json_output_is_strict_json_with_null(model_file) -> None:
    res = CliRunner().invoke(app, ["model", "check", str(model_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    records = json.loads(res.stdout, parse_constant=_refuse)
    by_id = {r["claim_id"]: r for r in records}
    assert by_id["nan_0"]["computed"] is None and by_id["nan_0"]["rel_error"] is None
    assert by_id["pos_inf_0"]["computed"] is None
    assert by_id["neg_inf_2"]["computed"] == [None, None]
    assert by_id["nan_0"]["status"] == "undetermined"
    assert by_id["fine"]["computed"] == 1.0 and by_id["fine"]["status"] == "ok"


def test_the_table_shows_undetermined_claims(model_file) -> None:
    res = CliRunner().invoke(app, ["model", "check", str(model_file)])
    assert res.exit_code == 0, res.output
    assert "16 undetermined" in res.stdout and "undetermined" in res.stdout
