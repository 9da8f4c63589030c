"""Every table command fits an 80- and a 120-column terminal: no cell cut with an
ellipsis, no line past the edge, no identifier (model, driver, ticker, metric) split
across lines; figures as analysts write them ($bn, 33x, RMB bn, never 1.4e+05)."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
ARTICLE_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")  # a hash, not a number


@pytest.fixture(scope="module")
def kpi_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the built-in article facts (alibaba's capex is in RMB_100M)."""
    path = str(tmp_path_factory.mktemp("kpi") / "store.duckdb")
    res = runner.invoke(app, ["kpi", "import", "--articles", "--store", path])
    assert res.exit_code == 0, res.output
    return path


def _run(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.stdout


def _json(args: list[str]) -> list[dict]:
    return json.loads(_run([*args, "--format", "json"]))


def _row(text: str, name: str) -> str:
    """The table line whose first cell is ``name`` (boxed or not)."""
    return next(line for line in text.splitlines() if line.strip("│ ").split()[:1] == [name])


def _fits(text: str, width: int) -> None:
    assert "…" not in text, text
    too_long = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_long, too_long


def _whole(name: str, text: str) -> bool:
    """``name`` appears as one token (not cut, not wrapped onto the next line)."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text) is not None


PLAIN = [
    ["model", "list"],
    ["model", "distributions"],
    ["model", "run", "nvda-5t"],
    ["model", "show", "nvda-5t"],
    ["model", "sensitivity", "nvda-5t"],
    ["model", "solve", "nvda-5t", "--target", "market_cap=5000", "--for", "pe"],
    ["universe", "list"],
    ["universe", "show", "NVDA"],
    ["index", "schemes"],
    ["kpi", "events"],
    ["sweep", "model", "compute-energy", "-g", "pue=1,1.5", "-g", "gpus_gpt4=8000,25000"],
]
WITH_PRICES = [
    ["model", "run", "nvda-5t", "--as-of", "2024-07-22", "--as-of", "latest"],
    ["model", "check", "nvda-5t", "--record"],
    ["data", "list"],
    ["data", "summary"],
    ["data", "show", "NVDA"],
    ["index", "compare", "agix", "ai-infra"],
    ["sweep", "index", "agix", "-g", "weighting.cap=0.1,0.2", "--end", "2024-06-28"],
]
WITH_KPI = [
    ["kpi", "facts"],
    ["kpi", "facts", "-e", "alibaba"],
    ["kpi", "gaps"],
    ["kpi", "growth", "-e", "alibaba"],
    ["kpi", "aggregate", "-g", "china_cloud", "--partial"],
]


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_table_fits_without_a_store(args: list[str], columns: int) -> None:
    _fits(_run(args), columns)


@pytest.mark.parametrize("args", WITH_PRICES, ids=" ".join)
def test_table_fits_with_the_sample_prices(args: list[str], columns: int, sample_store) -> None:
    _fits(_run([*args, "--store", str(sample_store.path)]), columns)


@pytest.mark.parametrize("args", WITH_KPI, ids=" ".join)
def test_kpi_table_fits(args: list[str], columns: int, kpi_store: str) -> None:
    _fits(_run([*args, "--store", kpi_store]), columns)


def test_model_list_shows_every_name_and_title_whole(columns: int) -> None:
    out = _run(["model", "list"])
    _fits(out, columns)
    words = " ".join(out.split())
    for model in _json(["model", "list"]):
        assert _whole(model["name"], out), model["name"]
        assert model["title"] in words, model["title"]  # wrapped at spaces only


def test_model_run_shows_every_driver_name_whole_and_pe_as_a_multiple(columns: int) -> None:
    out = _run(["model", "run", "nvda-5t"])
    _fits(out, columns)
    rows = _json(["model", "run", "nvda-5t"])
    for row in rows:
        assert _whole(row["name"], out), row["name"]
    pe = _row(out, "pe")
    assert "33x" in pe and "year" not in pe
    cap = _row(out, "market_cap")
    value = next(r["value"] for r in rows if r["name"] == "market_cap")
    assert f"{value:,.2f}" in cap and "$bn" in cap and "USD_bn" not in out
    # JSON keeps the raw unit names
    assert {r["unit"] for r in rows} >= {"USD_bn", "USD_bn/year", "year"}


def test_as_of_dates_are_whole_headers(columns: int, sample_store) -> None:
    args = ["model", "run", "nvda-5t", "--as-of", "2024-07-22", "--as-of", "latest"]
    out = _run([*args, "--store", str(sample_store.path)])
    _fits(out, columns)
    assert _whole("2024-07-22", out)
    latest = next(k for k in _json([*args, "--store", str(sample_store.path)])[0] if "latest" in k)
    assert _whole(latest.split("(")[1].rstrip(")"), out)


def test_tickers_and_metrics_are_never_cut(columns: int, sample_store, kpi_store) -> None:
    listed = _run(["data", "list", "--store", str(sample_store.path)])
    for row in _json(["data", "list", "--store", str(sample_store.path)]):
        assert _whole(row["name"], listed), row["name"]
    universe = _run(["universe", "list"])
    for row in _json(["universe", "list"]):
        assert _whole(row["ticker"], universe), row["ticker"]
    facts = _run(["kpi", "facts", "--store", kpi_store])
    for row in _json(["kpi", "facts", "--store", kpi_store]):
        assert _whole(row["metric"], facts) and _whole(row["entity"], facts), row


def _models() -> list[str]:
    return [m["name"] for m in _json(["model", "list"])]


@pytest.mark.parametrize("command", ["run", "show", "sensitivity"])
def test_no_scientific_notation_in_any_builtin_model(command: str) -> None:
    for model in _models():
        res = runner.invoke(app, ["model", command, model])
        assert res.exit_code == 0, (model, res.output)
        text = ARTICLE_FILE.sub("ARTICLE", res.stdout)
        assert not SCIENTIFIC.search(text), (model, SCIENTIFIC.findall(text))
        assert "USD_bn" not in res.stdout, model


def test_sensitivity_shows_pe_as_a_multiple_and_money_in_bn(columns: int) -> None:
    out = _run(["model", "sensitivity", "nvda-5t"])
    _fits(out, columns)
    rows = _json(["model", "sensitivity", "nvda-5t"])
    pe = next(r for r in rows if r["driver"] == "pe")
    line = _row(out, "pe")
    assert f"{pe['low']:g}x" in line and f"{pe['high']:g}x" in line
    assert f"{pe['swing']:,.2f}" in line
    assert "$bn" in out


@pytest.mark.parametrize(
    "args",
    [
        ["kpi", "facts", "-e", "alibaba"],
        ["kpi", "growth", "-e", "alibaba"],
        ["kpi", "aggregate", "-g", "china_cloud", "--partial"],
    ],
    ids=" ".join,
)
def test_english_kpi_tables_show_rmb_bn(args: list[str], columns: int, kpi_store: str) -> None:
    out = _run([*args, "--store", kpi_store])
    rows = _json([*args, "--store", kpi_store])
    assert rows and {r["unit"] for r in rows} == {"RMB_100M"}  # raw in JSON
    assert "RMB bn" in out and "RMB_100M" not in out and "100M" not in out
    for row in rows:  # 亿元 / 10 = bn, rounded half up as written (317.75 -> 31.78)
        bn = (Decimal(str(row["value"])) / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert f"{bn:,}" in out, row


def test_wide_keeps_every_column_on_one_line(columns: int, kpi_store: str) -> None:
    out = _run(["kpi", "growth", "-e", "alibaba", "--wide", "--store", kpi_store])
    header = next(line for line in out.splitlines() if "fiscal_period" in line)
    assert "period_end" in header and "events" in header
