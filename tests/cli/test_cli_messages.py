"""Messages that blame the right thing: the option the user typed, not a package file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()


def _run(args: list[str]):
    return runner.invoke(app, args)


def test_set_with_text_names_the_option_not_the_yaml() -> None:
    res = _run(["model", "run", "nvda-5t", "--set", "pe=abc"])
    assert res.exit_code == 1
    line = res.stderr.strip()
    assert line.startswith("error: '--set': 'abc' for 'pe' is not a number")
    assert ".yaml" not in line and "overrides" not in line
    assert "Traceback" not in res.output


def test_set_accepts_a_multiple_like_30x() -> None:
    def market_cap(value: str) -> float:
        res = _run(["model", "run", "nvda-5t", "--set", f"pe={value}", "-f", "json"])
        assert res.exit_code == 0, res.output
        rows = {r["name"]: r for r in json.loads(res.stdout)}
        assert rows["pe"]["value"] == 30.0
        return rows["market_cap"]["value"]

    assert market_cap("30x") == market_cap("30")
    base = _run(["model", "run", "nvda-5t", "-f", "json"])
    rows = {r["name"]: r for r in json.loads(base.stdout)}
    # market cap is proportional to the P/E: 30x scales the base case by 30 / base pe
    expected = rows["market_cap"]["value"] * 30.0 / rows["pe"]["value"]
    assert abs(market_cap("30x") - expected) < 1e-6 * expected


def test_unknown_benchmark_names_the_benchmark_option(sample_store) -> None:
    res = _run(
        ["index", "compare", "agix", "--benchmark", "QQQQ", "--store", str(sample_store.path)]
    )
    assert res.exit_code == 1
    line = res.stderr.strip()
    assert line.startswith("error: '--benchmark': no prices stored for benchmark QQQQ")
    assert "did you mean QQQ?" in line and "universe.tickers" not in line


def test_universe_show_resolves_a_chinese_name() -> None:
    by_name = _run(["universe", "show", "腾讯控股", "-f", "json"])
    assert by_name.exit_code == 0, by_name.output
    by_ticker = _run(["universe", "show", "0700.HK", "-f", "json"])
    assert json.loads(by_name.stdout) == json.loads(by_ticker.stdout)
    assert json.loads(by_name.stdout)["ticker"] == "0700.HK"
    unknown = _run(["universe", "show", "不存在的公司"])
    assert unknown.exit_code == 1 and "is not in the universe" in unknown.stderr


def test_aggregate_with_freq_y_does_not_hint_freq_y(tmp_path) -> None:
    store = str(tmp_path / "s.duckdb")
    assert _run(["kpi", "import", "--articles", "--store", store]).exit_code == 0
    res = _run(["kpi", "aggregate", "--group", "us_hyperscalers", "--freq", "Y", "--store", store])
    assert res.exit_code == 0, res.output
    assert "note: no Y period" in res.stderr
    assert "try --freq Y" not in res.stderr and "try --freq Q" in res.stderr
