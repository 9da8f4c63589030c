"""The student_t distribution, added through the registry alone (thesis/distributions.py).

Convention under test (the registry docstring): low and high are the 5th and 95th
percentiles of a Student-t with ``df`` degrees of freedom, so ``loc = (low+high)/2`` and
``scale = (high-low) / (2 * t.ppf(0.95, df))``. The reference distributions below are
built from that convention with scipy, not from our code. The model YAML, ``aithesis
model mc`` and a model sweep use it with no other edit.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from aithesis.cli.model import app as model_app
from aithesis.cli.sweep import app as sweep_app
from aithesis.errors import SpecError
from aithesis.sweep import run_model_sweep
from aithesis.thesis import load_model

runner = CliRunner()
QS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
DF, LOW, HIGH = 4.0, 0.1, 0.5

MODEL = """\
name: synthetic-t
title: a fat-tailed growth rate
drivers:
  growth: {value: 0.3, low: 0.1, high: 0.5, dist: student_t, df: 4}
  base: {value: 100, low: 80, high: 120, dist: uniform}
formulas:
  out: base * (1 + growth)
"""


def _reference(df: float = DF, low: float = LOW, high: float = HIGH):
    scale = (high - low) / (2 * stats.t.ppf(0.95, df))
    return stats.t(df, loc=(low + high) / 2, scale=scale)


def _close_quantiles(draws: np.ndarray, dist, factor: float = 1.0) -> None:
    """Sample quantiles within 4 standard errors of ``factor * dist``'s quantiles."""
    n = len(draws)
    expected = dist.ppf(QS)
    se = np.sqrt(QS * (1 - QS) / n) / dist.pdf(expected)
    got = np.quantile(draws, QS)
    assert np.all(np.abs(got - factor * expected) < 4 * factor * se), (got, expected)


def test_independent_draws_match_scipy(write_model) -> None:
    res = load_model(write_model(MODEL)).monte_carlo(200_000, seed=7)
    draws = res.values("growth")
    _close_quantiles(draws, _reference())
    assert stats.kstest(draws[:20_000], _reference().cdf).pvalue > 1e-4
    # fatter tails than the normal with the same 5th/95th percentiles
    normal = stats.norm((LOW + HIGH) / 2, (HIGH - LOW) / (2 * stats.norm.ppf(0.95)))
    assert np.mean(draws > normal.ppf(0.999)) > 0.003


def test_correlated_draws_keep_the_marginal(write_model) -> None:
    text = MODEL + "correlations:\n  - {between: [growth, base], rank: 0.5}\n"
    res = load_model(write_model(text)).monte_carlo(200_000, seed=5)
    _close_quantiles(res.values("growth"), _reference())
    rho = stats.spearmanr(res.values("growth"), res.values("base")).statistic
    assert rho == pytest.approx(0.5, abs=0.01)


def test_evaluate_uses_the_value_and_tornado_the_percentiles(write_model) -> None:
    model = load_model(write_model(MODEL))
    assert model.evaluate().value == pytest.approx(100 * 1.3)
    tornado = model.tornado().to_frame().set_index("driver")
    assert tornado.loc["growth", "output_at_low"] == pytest.approx(100 * 1.1)
    assert tornado.loc["growth", "output_at_high"] == pytest.approx(100 * 1.5)


def test_model_mc_cli_reports_the_t_percentiles(write_model) -> None:
    path = str(write_model(MODEL))
    args = ["mc", path, "--draws", "100000", "--seed", "1", "--output", "growth", "-f", "json"]
    res = runner.invoke(model_app, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = _reference()
    se = np.sqrt(0.05 * 0.95 / 100_000) / ref.pdf(ref.ppf(0.05))
    assert out["p5"] == pytest.approx(LOW, abs=4 * se)
    assert out["p95"] == pytest.approx(HIGH, abs=4 * se)
    assert out["p50"] == pytest.approx(0.3, abs=0.005)
    assert runner.invoke(model_app, args).stdout == res.stdout  # the seed reproduces


def test_model_distributions_cli_lists_it(write_model) -> None:
    res = runner.invoke(model_app, ["distributions", "-f", "json"])
    rows = {r["dist"]: r for r in json.loads(res.stdout)}
    assert rows["student_t"]["keys"] == "df"
    assert "5th and 95th percentiles" in rows["student_t"]["low/high"]


def test_model_sweep_draws_it_at_every_point(write_model) -> None:
    path = write_model(MODEL)
    r = run_model_sweep(path, {"base": [100, 200]}, draws=40_000, seed=3, target="out>=150")
    ref = _reference()
    n = 40_000
    for row in r.table.itertuples(index=False):
        # out = base * (1 + growth): percentiles scale with base, P(out >= 1.5 base) = 5%
        se = np.sqrt(0.05 * 0.95 / n) / ref.pdf(ref.ppf(0.05)) * row.base
        assert row.p5 == pytest.approx(row.base * (1 + LOW), abs=4 * se)
        assert row.p95 == pytest.approx(row.base * (1 + HIGH), abs=4 * se)
        assert row.mean == pytest.approx(row.base * 1.3, abs=4 * row.base * ref.std() / n**0.5)
    # P(out >= 150) = P(growth >= 150 / base - 1): 5% at base 100, ~99.8% at base 200
    for row in r.table.itertuples(index=False):
        p = 1 - ref.cdf(150 / row.base - 1)
        assert row.probability == pytest.approx(p, abs=4 * (p * (1 - p) / n) ** 0.5)


@pytest.mark.parametrize(
    ("old", "new", "field", "row", "words"),
    [
        ("dist: student_t, df: 4", "dist: student_t", "drivers.growth", 4, "needs 'df'"),
        ("df: 4", "df: 2", "drivers.growth", 4, "df > 2"),
        ("df: 4", "df: -1", "drivers.growth", 4, "got df -1"),
        ("df: 4", "df: .inf", "drivers.growth.df", 4, "finite"),
        ("df: 4", "df: many", "drivers.growth.df", 4, "valid number"),
        ("low: 0.1, high: 0.5", "low: 0.3, high: 0.3", "drivers.growth", 4, "low < high"),
        ("low: 0.1, high: 0.5, ", "", "drivers.growth", 4, "needs 'low' and 'high'"),
        ("dist: uniform}", "dist: uniform, df: 3}", "drivers.base.df", 5, "Extra inputs"),
        ("dist: student_t", "dist: student-t", "drivers.growth.dist", 4, "'student_t'?"),
    ],
)
def test_parameter_errors_name_file_line_and_key(write_model, old, new, field, row, words):
    path = write_model(MODEL.replace(old, new, 1))
    with pytest.raises(SpecError) as info:
        load_model(path)
    exc = info.value
    assert (exc.file, exc.field, exc.row) == (str(path), field, row)
    assert words in exc.message


def test_df_on_its_own_line_is_named_with_that_line(write_model) -> None:
    text = MODEL.replace(
        "  growth: {value: 0.3, low: 0.1, high: 0.5, dist: student_t, df: 4}\n",
        "  growth:\n    value: 0.3\n    low: 0.1\n    high: 0.5\n    dist: student_t\n"
        "    df: lots\n",
    )
    with pytest.raises(SpecError) as info:
        load_model(write_model(text))
    assert info.value.field == "drivers.growth.df" and info.value.row == 9


def test_sweep_model_cli_runs_it(write_model) -> None:
    path = str(write_model(MODEL))
    args = ["model", path, "--grid", "base=100,200", "--draws", "2000", "--seed", "3"]
    res = runner.invoke(sweep_app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout))
    api = run_model_sweep(path, {"base": [100, 200]}, draws=2000, seed=3).table
    assert got["p95"].to_numpy() == pytest.approx(api["p95"].to_numpy(), rel=1e-12)
    assert got["error"].isna().all()
