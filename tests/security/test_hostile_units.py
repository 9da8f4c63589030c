"""Unit strings are checked against a small grammar before pint sees them.

Reproduction of issue 18: a unit such as ``9**9**9`` (a driver's or a claim's unit,
``--set 'a=1 9**9**9'``, ``--target``) made pint compute the integer power for ever.
Each case runs the real CLI in a child process with a timeout, so a hang fails the test
instead of the run; the error must be one line naming the field, exit status 1.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aithesis.errors import SpecError
from aithesis.thesis.units import parse_unit

MODEL = """\
name: hostile-units
title: unit strings from a stranger
drivers:
  a: {value: 2, unit: DRIVER_UNIT}
  b: {value: 3, low: 1, high: 5, unit: USD_bn}
formulas:
  c: a * b
claims:
  - {id: k, expr: b, claimed: 3, unit: CLAIM_UNIT}
"""

HOSTILE = ["9**9**9", "10**10**10", "2^2^2^2^2^2", "(9**9)**(9**9)", "USD_bn**99999999"]


def _cli(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aithesis", *args], capture_output=True, text=True, timeout=timeout
    )


def _write(tmp_path: Path, driver: str = "USD_bn", claim: str = "USD_bn") -> Path:
    path = tmp_path / "hostile-units.yaml"
    text = MODEL.replace("DRIVER_UNIT", repr(driver)).replace("CLAIM_UNIT", repr(claim))
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(done: subprocess.CompletedProcess[str], field: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert f"'{field}'" in lines[0] and "unknown unit" in lines[0], lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("unit", HOSTILE)
def test_a_hostile_driver_unit_is_refused_at_once(tmp_path: Path, unit: str) -> None:
    _one_line_error(_cli("model", "run", str(_write(tmp_path, driver=unit))), "drivers.a.unit")


@pytest.mark.parametrize("unit", HOSTILE[:2])
def test_a_hostile_claim_unit_is_refused_at_once(tmp_path: Path, unit: str) -> None:
    _one_line_error(_cli("model", "check", str(_write(tmp_path, claim=unit))), "claims.k.unit")


@pytest.mark.parametrize("unit", HOSTILE[:2])
def test_a_hostile_unit_in_set_is_refused_at_once(unit: str) -> None:
    done = _cli("model", "run", "nvda-5t", "--set", f"pe=1 {unit}")
    _one_line_error(done, "overrides.pe")


@pytest.mark.parametrize("unit", HOSTILE[:2])
def test_a_hostile_unit_in_target_is_refused_at_once(unit: str) -> None:
    done = _cli("model", "mc", "nvda-5t", "-n", "100", "--target", f"market_cap>=5 {unit}")
    _one_line_error(done, "target")


@pytest.mark.parametrize(
    "text",
    [
        "m**13",
        "m**2**2",
        "2*USD",
        "USD; import os",
        "__import__('os')",
        "((((((m))))))",
        "m" * 200,
        "furlongzz",
        "_x",
        "__class__",
    ],
)
def test_the_grammar_refuses_what_is_not_a_plain_unit(text: str) -> None:
    with pytest.raises(SpecError, match=r"'drivers.x.unit': unknown unit"):
        parse_unit(text, file="m.yaml", field="drivers.x.unit")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("USD_bn/year", "USD_bn / year"),
        ("USD/GPU/hour", "USD / GPU / hour"),
        ("GPU*minute/person/day", "GPU * minute / day / person"),
        ("1/year", "1 / year"),
        ("percent", "percent"),
        ("%", "percent"),
        ("m**2", "meter ** 2"),
        ("m^3", "meter ** 3"),
        ("year**-1", "1 / year"),
        ("(USD/GPU)**2", "USD ** 2 / GPU ** 2"),
        ("kilowatt hour", "hour * kilowatt"),
        ("m**12", "meter ** 12"),  # the largest power accepted (MAX_UNIT_POWER)
    ],
)
def test_ordinary_units_still_parse_as_pint_reads_them(text: str, expected: str) -> None:
    from aithesis.thesis.units import registry

    unit = parse_unit(text)
    assert str(unit) == expected
    assert unit == registry().Unit(text)  # the same unit pint itself makes of the text
