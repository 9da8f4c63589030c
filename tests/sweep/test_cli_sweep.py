"""``aithesis sweep index|model`` end to end: the shell prints what the API computes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.sweep import app
from aithesis.errors import SpecError
from aithesis.sweep import run_index_sweep, run_model_sweep

runner = CliRunner()
MODEL_ARGS = ["model", "nvda-5t", "--grid", "nvda_share=0.5:0.9:3", "--grid", "pe=20,35,50"]


def test_model_csv_is_the_api_table() -> None:
    res = runner.invoke(app, [*MODEL_ARGS, "--format", "csv"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout))
    expected = run_model_sweep("nvda-5t", {"nvda_share": "0.5:0.9:3", "pe": [20, 35, 50]}).table
    assert list(got.columns) == list(expected.columns)
    assert got["market_cap"].to_numpy() == pytest.approx(expected["market_cap"], rel=1e-15)


def test_model_json_carries_the_heatmap_of_p_target() -> None:
    res = runner.invoke(
        app,
        [
            *MODEL_ARGS,
            "--draws",
            "2000",
            "--seed",
            "9",
            "--target",
            "market_cap>=5000",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    api = run_model_sweep(
        "nvda-5t",
        {"nvda_share": "0.5:0.9:3", "pe": [20, 35, 50]},
        draws=2000,
        seed=9,
        target="market_cap>=5000",
    )
    assert out["value"] == "probability" and out["draws"] == 2000 and out["seed"] == 9
    assert out["heatmap"]["x"] == "nvda_share" and out["heatmap"]["ys"] == [20, 35, 50]
    assert out["heatmap"]["values"] == api.heatmap().to_numpy().tolist()
    assert [r["probability"] for r in out["rows"]] == api.table["probability"].tolist()


def test_model_table_shows_the_heatmap() -> None:
    res = runner.invoke(app, MODEL_ARGS)
    assert res.exit_code == 0, res.output
    assert "nvda_share \\ pe" in res.stdout
    # 0.7 x 50 = 2000 * (1/7 + 0.075) * 0.7 * 0.5 * 50 = 7,625
    assert "7,625" in res.stdout and "market_cap ($bn)" in res.stdout  # unit as analysts write it


def test_index_csv_is_the_api_table_and_table_names_best_worst(sample_store) -> None:
    args = [
        "index",
        "ai-infra",
        "--grid",
        "rebalance=monthly,annual",
        "--grid",
        "costs_bps=0,25",
        "--end",
        "2025-06-30",
        "--store",
        str(sample_store.path),
    ]
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout))
    api = run_index_sweep(
        "ai-infra",
        ["rebalance=monthly,annual", "costs_bps=0,25"],
        store=sample_store,
        end="2025-06-30",
    )
    assert got["sharpe"].to_numpy() == pytest.approx(api.table["sharpe"], rel=1e-12)
    assert "selection bias: 4 variants were tried" in res.stderr
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    best = api.best
    assert f"best by sharpe: rebalance={best['rebalance']}, costs_bps={best['costs_bps']}" in (
        res.stdout
    )
    assert "worst by sharpe" in res.stdout and "selection bias" in res.stderr


def test_index_json_has_rows_best_and_warnings(sample_store) -> None:
    res = runner.invoke(
        app,
        [
            "index",
            "agix",
            "--grid",
            "weighting.cap=0.05,0.1",
            "--benchmark",
            "none",
            "--store",
            str(sample_store.path),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["variants"] == 2 and out["failed"] == 1 and out["benchmark"] is None
    assert out["rows"][0]["sharpe"] is None and "cap 0.05" in out["rows"][0]["error"]
    assert out["best"]["weighting.cap"] == 0.1
    assert out["warnings"][0].startswith("selection bias: 2 variants were tried (1 with")


def test_bad_grid_raises_the_spec_error_for_the_root_to_print() -> None:
    res = runner.invoke(app, ["model", "nvda-5t", "--grid", "pe=20:50"])
    assert res.exit_code == 1
    assert isinstance(res.exception, SpecError)
    assert str(res.exception).startswith("'pe': range '20:50' has 2 part(s)")
