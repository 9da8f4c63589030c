"""``aithesis model ...`` end to end: the shell prints what the Python API computes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aithesis.cli.model import app as model_app

runner = CliRunner()


def _json(args: list[str]):
    res = runner.invoke(model_app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_list_names_every_builtin_model() -> None:
    res = runner.invoke(model_app, ["list", "--format", "csv"])
    assert res.exit_code == 0
    for name in ("nvda-5t", "compute-energy", "inference-memory", "china-compute"):
        assert name in res.stdout


def test_check_all_json_has_the_documented_keys_and_flags() -> None:
    records = _json(["check", "--all", "--format", "json"])
    assert all(
        list(r)
        == [
            "model",
            "claim_id",
            "text",
            "source",
            "claimed",
            "computed",
            "unit",
            "rel_error",
            "status",
        ]
        for r in records
    )
    flagged = {(r["model"], r["claim_id"]) for r in records if r["status"] == "flagged"}
    assert ("compute-energy", "gpt4_energy") in flagged
    assert ("inference-memory", "memory_quantised") in flagged
    ok = {(r["model"], r["claim_id"]) for r in records if r["status"] == "ok"}
    assert ("nvda-5t", "revenue") in ok


def test_run_with_set_and_scenario() -> None:
    rows = _json(["run", "nvda-5t", "--scenario", "bear", "--set", "pe=30", "--format", "json"])
    values = {r["name"]: r["value"] for r in rows}
    assert values["market_cap"] == pytest.approx(2000 * (1 / 7 + 0.075) * 0.6 * 0.45 * 30)


def test_solve_prints_the_implied_share() -> None:
    rows = _json(
        [
            "solve",
            "nvda-5t",
            "--target",
            "market_cap=4500",
            "--for",
            "nvda_share",
            "--format",
            "json",
        ]
    )
    assert rows[0]["value"] == pytest.approx(4500 / (2000 * (1 / 7 + 0.075) * 0.5 * 33))


def test_mc_is_reproducible_with_a_seed() -> None:
    args = [
        "mc",
        "nvda-5t",
        "--draws",
        "5000",
        "--seed",
        "3",
        "--target",
        "market_cap>=5000",
        "--format",
        "json",
    ]
    a, b = _json(args), _json(args)
    assert a == b
    assert 0 < a["probability"] < 1 and a["n"] == 5000
    assert {c["driver"] for c in a["contribution"]} >= {"pe", "dc_it_tam"}


def test_sensitivity_and_show() -> None:
    res = runner.invoke(model_app, ["sensitivity", "nvda-5t", "--format", "csv"])
    assert res.exit_code == 0
    assert res.stdout.splitlines()[1].startswith("pe,")  # the largest swing first
    shown = runner.invoke(model_app, ["show", "compute-energy"])
    assert shown.exit_code == 0
    assert "gpt4_energy" in shown.stdout and "kWh" in shown.stdout


def test_users_yaml_file_works_like_a_name(write_model) -> None:
    path = write_model(
        """\
        name: my-model
        title: mine
        drivers:
          a: {value: 2, unit: USD_bn}
        formulas:
          b: a * 3
        claims:
          - {id: six, expr: b, claimed: 6, unit: USD_bn}
        """
    )
    records = _json(["check", str(path), "--format", "json"])
    assert records[0]["status"] == "ok" and records[0]["computed"] == pytest.approx(6)


def test_root_command_prints_one_line_errors() -> None:
    from aithesis.cli.main import app as root

    ok = runner.invoke(root, ["model", "check", "gpu-returns", "--format", "json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)[0]["computed"] == pytest.approx(100 / 3)
    res = runner.invoke(root, ["model", "run", "no-such-model"])
    assert res.exit_code == 1
    assert "error:" in res.output and "no-such-model" in res.output
    res = runner.invoke(root, ["model", "check"])
    assert res.exit_code == 1 and "--all" in res.output
    res = runner.invoke(root, ["model", "mc", "nvda-5t", "--draws", "-5"])
    assert res.exit_code == 1 and "draws" in res.output


def test_distributions_lists_names_a_model_file_accepts(write_model) -> None:
    from aithesis.thesis import load_model

    rows = _json(["distributions", "--format", "json"])
    assert {"fixed", "uniform", "triangular", "pert", "normal", "lognormal"} <= {
        r["dist"] for r in rows
    }
    for row in rows:
        if row["keys"]:
            continue  # a distribution with keys of its own is loaded in its own test
        path = write_model(
            "name: m\ntitle: t\ndrivers:\n"
            f"  v: {{value: 2, low: 1, high: 4, dist: {row['dist']}}}\n"
            "formulas:\n  out: v * 2\n"
        )
        assert load_model(path).spec.drivers["v"].distribution == row["dist"]
