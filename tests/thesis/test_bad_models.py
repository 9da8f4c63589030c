"""Bad model files: each mistake is one clear error naming the model file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from aithesis.errors import FormulaError, SpecError
from aithesis.thesis import load_model

GOOD = """\
name: bad-model
title: synthetic model for error tests
drivers:
  a: {value: 2, unit: USD_bn}
  b: {value: 3, low: 1, high: 5}
  e: {value: 1, unit: kWh}
formulas:
  c: a * b
"""


def _load(write_model, text: str) -> Path:
    path = write_model(text)
    return path


CASES = [
    # (id, yaml text, error class, key that must be named, words in the message)
    (
        "cycle",
        GOOD.replace("  c: a * b", "  c: d + a\n  d: c * 2"),
        SpecError,
        "formulas.",
        "cycle",
    ),
    ("unknown_driver", GOOD.replace("a * b", "a * nope"), FormulaError, "formulas.c", "nope"),
    (
        "low_above_high",
        GOOD.replace("low: 1, high: 5", "low: 5, high: 1"),
        SpecError,
        "drivers.b",
        "low 5 > high 1",
    ),
    (
        "unit_mismatch",
        GOOD.replace("a * b", "a + e"),
        FormulaError,
        "formulas.c",
        "cannot add or subtract",
    ),
    (
        "claim_unknown_expr",
        GOOD + "claims:\n  - {id: k, expr: nothing, claimed: 1}\n",
        FormulaError,
        "claims.k.expr",
        "nothing",
    ),
    (
        "claim_unit_not_convertible",
        GOOD + "claims:\n  - {id: k, expr: c, claimed: 1, unit: kWh}\n",
        SpecError,
        "claims.k.unit",
        "does not convert",
    ),
    (
        "bad_scenario_key",
        GOOD + "scenarios:\n  bear: {zz: 1}\n",
        SpecError,
        "scenarios.bear.zz",
        "not a driver",
    ),
    (
        "unknown_unit",
        GOOD.replace("unit: USD_bn", "unit: furlongzz"),
        SpecError,
        "drivers.a.unit",
        "unknown unit",
    ),
    (
        "value_outside_range",
        GOOD.replace("value: 3, low: 1", "value: 9, low: 1"),
        SpecError,
        "drivers.b",
        "outside",
    ),
    (
        "only_low",
        GOOD.replace("low: 1, high: 5", "low: 1"),
        SpecError,
        "drivers.b",
        "both 'low' and 'high'",
    ),
    (
        "unknown_dist",
        GOOD.replace("high: 5}", "high: 5, dist: cauchy}"),
        SpecError,
        "drivers.b.dist",
        "uniform",
    ),
    (
        "duplicate_claim_id",
        GOOD + "claims:\n  - {id: k, expr: c, claimed: 6, unit: USD_bn}\n"
        "  - {id: k, expr: c, claimed: 6, unit: USD_bn}\n",
        SpecError,
        "claims.k.id",
        "twice",
    ),
    (
        "driver_and_formula",
        GOOD + "  a: b * 2\n",
        SpecError,
        "formulas.a",
        "both a driver and a formula",
    ),
    (
        "yaml_syntax",
        GOOD.replace("  a: {value: 2, unit: USD_bn}", "  a: {value: 2, unit"),
        SpecError,
        "",
        "not valid YAML",
    ),
    (
        "typo_top_level_key",
        GOOD.replace("formulas:", "formula:"),
        SpecError,
        "formula",
        "Extra inputs",
    ),
    (
        # {from: close(NVDA, latest)} unquoted: YAML makes 'latest)' a key of its own
        "flow_mapping_formula_cut_at_comma",
        GOOD.replace(
            "{value: 2, unit: USD_bn}", "{value: 2, unit: USD_bn, from: close(NVDA, latest)}"
        ),
        SpecError,
        "drivers.a.latest)",
        'quote formulas that contain commas, e.g. from: "market_cap(NVDA, latest)"',
    ),
    (
        "lognormal_non_positive",
        GOOD.replace("high: 5}", "high: 5, dist: lognormal}").replace("low: 1", "low: -1"),
        SpecError,
        "drivers.b",
        "low > 0",
    ),
    (
        "correlation_unknown_driver",
        GOOD + "correlations:\n  - {between: [b, ghost], rank: 0.5}\n",
        SpecError,
        "correlations[0].between",
        "ghost",
    ),
    (
        "log_of_quantity",
        GOOD.replace("a * b", "log(a)"),
        FormulaError,
        "formulas.c",
        "dimensionless",
    ),
    (
        "dimensioned_exponent",
        GOOD.replace("a * b", "b ** a"),
        FormulaError,
        "formulas.c",
        "exponent",
    ),
    (
        "given_unknown_name",
        GOOD + "claims:\n  - {id: k, expr: c, claimed: 6, unit: USD_bn, given: {zz: 1}}\n",
        SpecError,
        "claims.k.given",
        "zz",
    ),
    (
        "range_over_without_range",
        GOOD + "claims:\n  - {id: k, expr: c, claimed: 6, unit: USD_bn, range_over: [a]}\n",
        SpecError,
        "claims.k.range_over",
        "low/high",
    ),
    ("unknown_output", GOOD + "output: zz\n", SpecError, "output", "zz"),
    (
        "hostile_formula_in_file",
        GOOD.replace("a * b", "__import__('os').system('x')"),
        FormulaError,
        "formulas.c",
        "not allowed",
    ),
    ("no_drivers", "name: m\ntitle: t\ndrivers: {}\n", SpecError, "", "at least one driver"),
    (
        "formula_unit_not_convertible",
        GOOD.replace("  c: a * b", "  c: {expr: a * b, unit: kWh}"),
        SpecError,
        "formulas.c.unit",
        "does not convert",
    ),
    ("not_a_mapping", "- just\n- a list\n", SpecError, "", "mapping"),
    (
        "quantity_not_used",
        GOOD + "claims:\n  - {id: k, expr: a, claimed: 2, unit: USD_bn, quantity: e}\n",
        SpecError,
        "claims.k.quantity",
        "depends on",
    ),
]


@pytest.mark.parametrize(
    ("text", "cls", "key", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_model_raises_one_clear_error(write_model, text, cls, key, words) -> None:
    path = write_model(text)
    with pytest.raises(cls) as info:
        load_model(path)
    exc = info.value
    assert type(exc) is cls
    message = str(exc)
    assert str(path) in message
    assert key in (exc.field or "") or key in message
    assert words in message


# The line each error must name, read off the YAML by hand: in GOOD, line 5 is the driver
# ``b:``, line 7 ``formulas:``, line 8 the formula ``c:``; text appended to GOOD starts on
# line 9 (a section header), its first list item or key on line 10. Errors without a line
# (formula-language errors, unknown units, a non-mapping file) are not listed here.
LINES = {
    "cycle": {8, 9},  # the formula c (line 8) or d (line 9), wherever the cycle is cut
    "low_above_high": {5},
    "claim_unit_not_convertible": {10},
    "bad_scenario_key": {10},
    "value_outside_range": {5},
    "only_low": {5},
    "unknown_dist": {5},
    "duplicate_claim_id": {11},  # the second claim with id k
    "driver_and_formula": {9},
    "typo_top_level_key": {7},
    "lognormal_non_positive": {5},
    "flow_mapping_formula_cut_at_comma": {4},
    "correlation_unknown_driver": {10},
    "given_unknown_name": {10},
    "range_over_without_range": {10},
    "unknown_output": {9},
    "formula_unit_not_convertible": {8},
    "quantity_not_used": {10},
}


@pytest.mark.parametrize("case_id", sorted(LINES))
def test_bad_model_error_names_the_line_of_the_key(write_model, case_id: str) -> None:
    text = {c[0]: c[1] for c in CASES}[case_id]
    path = write_model(text)
    with pytest.raises(SpecError) as info:
        load_model(path)
    assert info.value.row in LINES[case_id]
    assert f"{path}:{info.value.row}:" in str(info.value)


def test_error_names_the_yaml_line(write_model) -> None:
    path = write_model(GOOD.replace("low: 1, high: 5", "low: 5, high: 1"))
    with pytest.raises(SpecError) as info:
        load_model(path)
    assert info.value.row == 5  # the line of "b:" in GOOD
    assert f"{path}:5:" in str(info.value)


def test_inconsistent_correlations_are_rejected(write_model) -> None:
    text = GOOD.replace(
        "  e: {value: 1, unit: kWh}",
        "  e: {value: 1, low: 0, high: 2}\n  f: {value: 1, low: 0, high: 2}",
    ) + (
        "correlations:\n"
        "  - {between: [b, e], rank: 0.95}\n"
        "  - {between: [b, f], rank: 0.95}\n"
        "  - {between: [e, f], rank: -0.95}\n"
    )
    path = write_model(text)
    with pytest.raises(SpecError) as info:
        load_model(path)
    assert info.value.field == "correlations"
    assert str(path) in str(info.value)


def test_negative_draws_name_the_file_and_key(write_model) -> None:
    path = write_model(GOOD)
    model = load_model(path)
    for n in (-5, 0, 2.5):
        with pytest.raises(SpecError) as info:
            model.monte_carlo(n, seed=1)
        assert info.value.field == "draws"
        assert str(path) in str(info.value)


def test_unknown_scenario_and_override_name_the_key(write_model) -> None:
    path = write_model(GOOD)
    model = load_model(path)
    with pytest.raises(SpecError) as info:
        model.evaluate(scenario="nope")
    assert info.value.field == "scenario" and str(path) in str(info.value)
    with pytest.raises(SpecError) as info:
        model.evaluate(overrides={"bb": 1})
    assert info.value.field == "overrides.bb" and "did you mean b" in str(info.value)
    with pytest.raises(SpecError) as info:
        model.evaluate(overrides={"a": "2 kWh"})
    assert "does not convert" in str(info.value)


def test_division_by_zero_at_base_names_the_formula(write_model) -> None:
    path = write_model(GOOD.replace("a * b", "a / (b - 3)"))
    with pytest.raises(FormulaError) as info:
        load_model(path).evaluate()
    assert info.value.field == "formulas.c" and str(path) in str(info.value)


def test_unknown_model_name_lists_builtins() -> None:
    with pytest.raises(SpecError, match="nvda-5t"):
        load_model("no-such-model")
