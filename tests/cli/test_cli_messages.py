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


def test_help_documents_flags_as_flags() -> None:
    res = _run(["--help"])
    assert res.exit_code == 0
    debug = next(line for line in res.stdout.splitlines() if "--debug" in line)
    assert "<bool>" not in debug and "tracebacks" in debug
    store = next(line for line in res.stdout.splitlines() if "--store" in line)
    assert "<path>" in store  # options that take a value still show it


def test_help_shows_the_store_default_really_used(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "AITHESIS_STORE"}
    env.update(AITHESIS_HOME=str(tmp_path / "home"), COLUMNS="300")
    out = subprocess.run(
        [sys.executable, "-m", "aithesis", "data", "list", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    text = " ".join(out.replace("│", " ").split())
    assert f"here {tmp_path / 'home' / 'store.duckdb'}" in text
    assert "~/.aithesis/store.duckdb" not in text


def test_leadlag_options_have_help() -> None:
    res = _run(["kpi", "leadlag", "--help"])
    assert res.exit_code == 0
    flat = " ".join(res.stdout.replace("│", " ").split())
    for text in ("KPI metric", "Sum the metric over this group", "One company"):
        assert text in flat


def test_data_show_prints_volume_as_an_integer(sample_store) -> None:
    res = _run(["data", "show", "NVDA", "--store", str(sample_store.path)])
    assert res.exit_code == 0, res.output
    rows = [line for line in res.stdout.splitlines() if line.startswith("│ 20")]
    assert rows
    for line in rows:
        volume = line.strip("│ ").split("│")[-1].strip()
        assert volume.replace(",", "").isdigit(), volume  # 180,977,600 not 180,977,600.0000


def test_index_build_without_out_writes_where_its_help_says(
    sample_store, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    helptext = " ".join(_run(["index", "build", "--help"]).stdout.replace("│", " ").split())
    assert "out/agix for agix" in helptext
    res = _run(["index", "build", "agix", "--store", str(sample_store.path), "--end", "2024-06-28"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "agix" / "levels.csv").is_file()


def test_growth_does_not_offer_an_entity_it_then_refuses(tmp_path) -> None:
    import pandas as pd

    from aithesis.kpi.facts import article_facts_path

    store = str(tmp_path / "s.duckdb")
    assert _run(["kpi", "import", "--articles", "--store", store]).exit_code == 0
    raw = pd.read_csv(article_facts_path())
    capex = raw[raw["metric"] == "capex"]
    reported = sorted(set(capex[capex["kind"].isin(["actual", "derived"])]["entity"]))
    amazon = capex[capex["entity"] == "amazon"]
    assert set(amazon["kind"]) == {"guidance"}  # the article gives Amazon's plan only
    offered = ", ".join(reported)
    unknown = _run(["kpi", "growth", "--entity", "nosuch", "--store", store])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().endswith(f"entities with actual/derived capex: {offered}")
    assert "amazon" not in unknown.stderr
    for name in reported:  # every entity offered is accepted
        assert _run(["kpi", "growth", "--entity", name, "--store", store]).exit_code == 0
    refused = _run(["kpi", "growth", "--entity", "amazon", "--store", store])
    assert refused.exit_code == 1
    line = refused.stderr.strip()
    assert "'amazon' has no actual/derived capex facts, only guidance FY2025" in line
    assert line.endswith(offered) and "'kind'" not in line


def test_help_text_keeps_its_brackets() -> None:
    """Rich reads '[low, high]' as markup unless escaped: the help must show it."""
    res = runner.invoke(app, ["data", "import", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "[low, high]" in " ".join(res.stdout.split())
