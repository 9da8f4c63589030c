"""`aithesis index build / compare` end to end on the real sample store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.index import app
from aithesis.errors import UnknownTickerError
from aithesis.index import build_index


@pytest.fixture(scope="module")
def store_path(sample_store):
    return str(sample_store.path)


def test_build_writes_the_output_files_matching_the_api(tmp_path, store_path, sample_store):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", "ai-infra", "--out", str(out), "--store", store_path, "--end", "2025-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "levels.csv",
        "weights.csv",
        "contributions.csv",
        "metrics.json",
        "index.xlsx",
    }
    expected = build_index("ai-infra", sample_store, end="2025-06-30")
    levels = pd.read_csv(out / "levels.csv", index_col="date", parse_dates=True)["level"]
    assert levels.to_numpy() == pytest.approx(expected.level_values, rel=1e-12)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["total_return"] == pytest.approx(expected.total_return, rel=1e-12)
    contrib = pd.read_csv(out / "contributions.csv")
    stock = contrib[contrib["by"] == "stock"]["contribution"].sum()
    assert stock == pytest.approx(expected.total_return, rel=1e-12)
    assert "AI infrastructure basket" in result.output and "compute" in result.output
    assert "index.xlsx" in " ".join(result.output.split())  # the summary names it


def test_build_with_benchmark_adds_relative_metrics(tmp_path, store_path, sample_store):
    out = tmp_path / "b"
    result = CliRunner().invoke(
        app,
        ["build", "ai-infra", "--out", str(out), "--store", store_path, "--benchmark", "SPY",
         "--end", "2026-05-29"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    # recompute the relative metrics by hand (pandas/numpy) from the written levels and
    # SPY's stored total-return prices, as of each index date
    levels = pd.read_csv(out / "levels.csv", index_col="date", parse_dates=True)["level"]
    spy = sample_store.price_matrix(["SPY"], field="adj_close")
    bench = pd.Series(spy.values[:, 0], index=pd.DatetimeIndex(spy.dates)).dropna()
    bench = bench.reindex(bench.index.union(levels.index)).ffill().reindex(levels.index)
    assert bench.notna().all()
    r = levels.pct_change().dropna().to_numpy()
    b = bench.pct_change().dropna().to_numpy()
    active = r - b
    te = active.std(ddof=1) * np.sqrt(252)
    beta = np.cov(r, b, ddof=0)[0, 1] / b.var()
    alpha = (1 + np.mean(r - beta * b)) ** 252 - 1
    assert metrics["tracking_error"] == pytest.approx(te, rel=1e-9)
    assert metrics["information_ratio"] == pytest.approx(active.mean() * 252 / te, rel=1e-9)
    assert metrics["beta"] == pytest.approx(beta, rel=1e-9)
    assert metrics["alpha"] == pytest.approx(alpha, rel=1e-9)
    assert metrics["benchmark_total_return"] == pytest.approx(
        bench.iloc[-1] / bench.iloc[0] - 1, rel=1e-12
    )
    years = r.size / 252
    excess = (levels.iloc[-1] / levels.iloc[0]) ** (1 / years) - (
        bench.iloc[-1] / bench.iloc[0]
    ) ** (1 / years)
    assert metrics["excess_annualised_return"] == pytest.approx(excess, rel=1e-9)
    assert metrics["end"] == "2026-05-29" and 0.5 < beta < 3 and te > 0.05  # sane scale


def test_compare_accepts_benchmarks_after_the_option(store_path):
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "agix",
            "ai-infra",
            "--benchmark",
            "SPY",
            "QQQ",
            "--store",
            store_path,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {
        "AGIX-style AI index (article 002)",
        "AI infrastructure basket (article 004)",
        "SPY",
        "QQQ",
    }
    assert data["SPY"]["start"] == "2022-11-30"
    assert data["SPY"]["beta"] == pytest.approx(1.0)
    assert data["SPY"]["information_ratio"] is None  # undefined (no active risk): null


def test_unknown_benchmark_is_a_user_error(store_path):
    result = CliRunner().invoke(
        app, ["compare", "ai-infra", "--benchmark", "NOPE", "--store", store_path]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, UnknownTickerError) and "NOPE" in str(result.exception)
