"""Tables stay readable at 80 and 120 columns: no cell cut with an ellipsis, no line
wider than the terminal, and the figures a reader needs are on screen."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis import numfmt
from aithesis.cli.main import app

runner = CliRunner()


def _fits(text: str, width: int) -> None:
    assert "…" not in text, text
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, too_long


def test_mc_shows_the_output_row_transposed_and_fits(columns: int) -> None:
    args = ["model", "mc", "nvda-5t", "-n", "4000", "--seed", "7", "--target", "market_cap>=5000"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    _fits(res.stdout, columns)
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    # the printed mean and p95 are the API's, grouped with two decimals, in $bn
    assert f"{data['mean']:,.2f}" in res.stdout and f"{data['p95']:,.2f}" in res.stdout
    assert "market_cap ($bn)" in res.stdout
    assert f"P(market_cap >= $5,000bn) = {data['probability']:.2%}" in res.stdout
    assert "seed 7" in res.stdout


def test_mc_without_seed_does_not_title_itself_seed_none(columns: int) -> None:
    res = runner.invoke(app, ["model", "mc", "nvda-5t", "-n", "2000"])
    assert res.exit_code == 0, res.output
    assert "seed None" not in res.stdout and "unseeded" in res.stdout
    assert "--seed N repeats a run" in res.stdout


def test_mc_wide_shows_every_name_uncut(columns: int) -> None:
    res = runner.invoke(app, ["model", "mc", "nvda-5t", "-n", "2000", "--seed", "1", "--wide"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    for name in ("dc_it_increment", "replacement_rate", "market_cap", "$bn/year"):
        assert name in res.stdout


def test_check_all_puts_notes_under_their_claims_and_fits(columns: int) -> None:
    res = runner.invoke(app, ["model", "check", "--all"])
    assert res.exit_code == 0, res.output
    _fits(res.stdout, columns)
    csv = runner.invoke(app, ["model", "check", "--all", "-f", "csv"]).stdout
    records = pd.read_csv(io.StringIO(csv), keep_default_na=False).to_dict(orient="records")
    lines = res.stdout.splitlines()
    notes = 0
    for r in records:
        row = next(i for i, line in enumerate(lines) if f" {r['claim_id']} " in line)
        assert r["status"] in lines[row]
        if r["note"]:  # the note starts on the line under its claim, in the same column
            notes += 1
            below = lines[row + 1 : row + 8]
            assert any(line.strip().startswith(r["note"].split()[0]) for line in below)
    assert notes >= 10
    assert f"{sum(r['status'] == 'flagged' for r in records)} flagged" in res.stdout


def test_check_wide_is_the_full_table(columns: int) -> None:
    res = runner.invoke(app, ["model", "check", "--all", "--wide"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    header = next(line for line in res.stdout.splitlines() if "rel. error" in line)
    assert "note" in header and "computed" in header


def test_kpi_aggregate_partial_fits_without_wrapped_headers(
    columns: int, tmp_path: pytest.TempPathFactory
) -> None:
    store = str(tmp_path / "store.duckdb")
    assert runner.invoke(app, ["kpi", "import", "--articles", "--store", store]).exit_code == 0
    args = ["kpi", "aggregate", "--group", "china_cloud", "--partial", "--store", store]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    _fits(res.stdout, columns)
    for header in ("period", "value", "n_members", "members_missing", "complete"):
        assert re.search(rf"\b{header}\b", res.stdout), header
    rows = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    for row in rows:
        shown = row["value"] * numfmt.unit_factor(row["unit"])  # RMB_100M in RMB bn
        assert row["period"] in res.stdout and f"{shown:,.2f}" in res.stdout
    wide = runner.invoke(app, [*args, "--wide"])
    assert "members_present" in wide.stdout and "…" not in wide.stdout


def test_index_compare_fits_and_keeps_every_column(columns: int, sample_store) -> None:
    args = ["index", "compare", "agix", "ai-infra", "--store", str(sample_store.path)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    _fits(res.stdout, columns)
    for name in ("SPY", "QQQ", "avg_turnover_per_rebalance", "benchmark_annualised_return"):
        assert name in res.stdout
    metrics = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert f"{metrics['QQQ']['total_return']:+.2%}" in res.stdout


def test_kpi_growth_fits_and_wide_adds_the_dates(columns: int, tmp_path) -> None:
    store = str(tmp_path / "store.duckdb")
    assert runner.invoke(app, ["kpi", "import", "--articles", "--store", store]).exit_code == 0
    args = ["kpi", "growth", "-e", "alibaba", "--store", store]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    _fits(res.stdout, columns)
    rows = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    for row in rows:  # every period's value and rates printed whole, none cropped
        shown = row["value"] * numfmt.unit_factor(row["unit"])  # RMB_100M in RMB bn
        assert row["fiscal_period"] in res.stdout and f"{shown:,.2f}" in res.stdout
        for rate in ("qoq", "yoy"):
            if row[rate] is not None:
                assert f"{row[rate]:+.1%}" in res.stdout
    wide = runner.invoke(app, [*args, "--wide"])
    assert "period_end" in wide.stdout and rows[-1]["period_end"] in wide.stdout
