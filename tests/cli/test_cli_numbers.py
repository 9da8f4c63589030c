"""Counts the way analysts write them: grouped digits, never scientific notation, and
the unit beside the figure (sweeps, claim notes)."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def _drivers(model: str) -> dict[str, float]:
    res = runner.invoke(app, ["model", "run", model, "-f", "json"])
    assert res.exit_code == 0, res.output
    return {r["name"]: r["value"] for r in json.loads(res.stdout) if r["kind"] == "driver"}


def test_sweep_heatmap_prints_kwh_in_full_with_its_unit(columns: int) -> None:
    d = _drivers("compute-energy")
    args = ["sweep", "model", "compute-energy", "-g", "pue=1,1.5", "-g", "gpus_gpt4=8000,25000"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert not SCIENTIFIC.search(res.stdout), res.stdout
    assert "gpt4_energy (kWh)" in " ".join(res.stdout.split())
    for pue in (1.0, 1.5):
        for gpus in (8000, 25000):
            # GPUs x W per GPU x PUE x days x 24 h / 1000 = kWh
            kwh = gpus * d["power_per_gpu"] * pue * d["train_days"] * 24 / 1000
            assert f"{kwh:,.0f}" in res.stdout, (pue, gpus, kwh)


def test_sweep_table_with_one_parameter_names_the_unit() -> None:
    res = runner.invoke(app, ["sweep", "model", "compute-energy", "-g", "pue=1,1.5"])
    assert res.exit_code == 0, res.output
    assert "(kWh)" in res.stdout and not SCIENTIFIC.search(res.stdout)
