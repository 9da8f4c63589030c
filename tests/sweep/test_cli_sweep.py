"""``aithesis sweep index|model`` end to end: the shell prints what the API computes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.sweep import app
from aithesis.errors import ClusterError, SpecError
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


def _start_timeout_option(command: str):
    import typer

    group = typer.main.get_command(app)
    [option] = [p for p in group.commands[command].params if "--start-timeout" in p.opts]
    return option


@pytest.mark.parametrize("command", ["index", "model"])
def test_start_timeout_option_states_its_unit_and_default(command) -> None:
    option = _start_timeout_option(command)
    assert option.metavar == "SECONDS" and option.default is None
    assert option.help.startswith("Seconds a local cluster") and "(default: 60)" in option.help


@pytest.mark.parametrize("bad", ["soon", "0", "-2", "nan", "inf", ""])
@pytest.mark.parametrize("command", ["index", "model"])
def test_a_bad_start_timeout_is_one_error_line_naming_the_option(command, bad) -> None:
    from aithesis.cli.main import app as root

    name = "ai-infra" if command == "index" else "nvda-5t"
    args = ["sweep", command, name, "--grid", "costs_bps=0,10", "--cluster", "local:1"]
    res = runner.invoke(root, [*args, "--start-timeout", bad])
    assert res.exit_code == 1, res.output
    assert res.stdout == "" and len(res.stderr.splitlines()) == 1
    assert res.stderr.startswith(
        f"error: '--start-timeout': must be a number of seconds > 0, got {bad!r}; "
    )
    assert "Traceback" not in res.output


def test_start_timeout_reaches_the_index_sweeps_local_cluster(monkeypatch, sample_store) -> None:
    import distributed

    seen: dict = {}

    def too_slow(**given):
        seen.update(given)
        raise TimeoutError(f"Nanny start timed out after {given['death_timeout']}s.")

    monkeypatch.setattr(distributed, "LocalCluster", too_slow)
    args = ["index", "ai-infra", "--grid", "costs_bps=0,10", "--store", str(sample_store.path)]
    res = runner.invoke(app, [*args, "--cluster", "local:2", "--start-timeout", "7.5"])
    assert res.exit_code == 1
    assert isinstance(res.exception, ClusterError)
    assert "start time limit of 7.5 s" in str(res.exception)
    assert seen["death_timeout"] == 7.5 and seen["n_workers"] == 2


@pytest.mark.slow
def test_a_start_timeout_too_short_for_a_real_cluster_is_one_error_line() -> None:
    """A real local cluster cannot start a worker process in a millisecond: the sweep
    ends with the one-line cluster error telling the user to raise --start-timeout."""
    from aithesis.cli.main import app as root

    res = runner.invoke(
        root, ["sweep", *MODEL_ARGS, "--cluster", "local:1", "--start-timeout", "0.001"]
    )
    assert res.exit_code == 1, res.output
    assert res.stdout == "" and len(res.stderr.splitlines()) == 1
    line = res.stderr
    assert line.startswith("error: 'cluster': sweep aborted: the Dask cluster failed while ")
    assert "not started within the start time limit of 0.001 s" in line
    assert "--start-timeout" in line and "no results are reported" in line
