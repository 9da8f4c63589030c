"""``aithesis kpi``: the acceptance figures through the CLI, errors through the root handler."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from aithesis.cli.kpi import app as kpi_app
from aithesis.cli.main import _AithesisGroup
from aithesis.config import sample_data_dir
from aithesis.data import providers
from aithesis.data.api import import_dir
from aithesis.data.providers.sec import SecClient, SecProvider
from aithesis.data.store import Store
from aithesis.kpi import api

runner = CliRunner()


def root() -> typer.Typer:
    """The kpi group under a root with the real error handler (as cli/main.py mounts it)."""
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    app.add_typer(kpi_app, name="kpi")
    return app


@pytest.fixture()
def article_store(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    result = runner.invoke(root(), ["kpi", "import", "--articles", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 50 facts" in result.output
    return path


@pytest.mark.parametrize(
    ("entity", "qoq", "yoy"),
    [("alibaba", -22.5, 120.7), ("tencent", -24.9, 91.4)],  # FRAMEWORKS.md §3 / article 003
)
def test_growth_json_reproduces_the_article_figures(
    article_store: Path, entity: str, qoq: float, yoy: float
) -> None:
    result = runner.invoke(
        root(),
        [
            "kpi",
            "growth",
            "--entity",
            entity,
            "--metric",
            "capex",
            "--format",
            "json",
            "--store",
            str(article_store),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r["fiscal_period"]: r for r in json.loads(result.stdout)}
    q1 = rows["2025Q1"]
    assert abs(q1["qoq"] * 100 - qoq) <= 0.05
    assert abs(q1["yoy"] * 100 - yoy) <= 0.05
    assert q1["unit"] == "RMB_100M" and q1["kind"] == "actual"
    assert rows["2024Q4"]["events"] == "Q4'24 GPU stockpiling"
    assert rows["2024Q4"]["qoq"] is None  # 2024Q3 is not in the article: null, not NaN


def test_facts_csv_and_table_formats(article_store: Path) -> None:
    out = runner.invoke(
        root(),
        ["kpi", "facts", "--entity", "lenovo", "--format", "csv", "--store", str(article_store)],
    )
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(pd.io.common.StringIO(out.stdout))
    assert len(frame) == 13 and set(frame["source"]) == {"000_6538086bb4349cd9.txt"}
    table = runner.invoke(
        root(),
        ["kpi", "growth", "-e", "alibaba", "--store", str(article_store)],
        env={"COLUMNS": "120"},
    )
    assert "-22.5%" in table.stdout and "+120.7%" in table.stdout


def test_bad_import_prints_one_line_error_and_writes_nothing(
    article_store: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "entity,ticker,metric,period,period_end,value,unit,currency,kind,source,quote\n"
        "baidu,9888.HK,capex,2025Q1,2025-03-31,30,RMB_100M,CNY,actual,a.txt,q\n"
        "baidu,9888.HK,capex,2024Q4,2024-12-31,30,RMB_yi,CNY,actual,a.txt,q\n",
        encoding="utf-8",
    )
    result = runner.invoke(root(), ["kpi", "import", str(bad), "--store", str(article_store)])
    assert result.exit_code == 1
    assert f"error: {bad}:3: 'unit': unknown unit 'RMB_yi'" in result.output
    assert "Traceback" not in result.output
    assert Store(article_store).fundamentals(entity="baidu").empty


def test_unknown_group_is_a_clear_cli_error(article_store: Path) -> None:
    result = runner.invoke(
        root(), ["kpi", "aggregate", "--group", "hyperscalers", "--store", str(article_store)]
    )
    assert result.exit_code == 1
    assert "unknown group 'hyperscalers'" in result.output and "us_hyperscalers" in result.output


def test_leadlag_with_too_few_points_is_a_clear_cli_error(
    tmp_path: Path, article_store: Path
) -> None:
    store = Store(article_store)
    import_dir(store, sample_data_dir(), tickers=["NVDA"])
    result = runner.invoke(
        root(),
        [
            "kpi",
            "leadlag",
            "--metric",
            "capex",
            "--entity",
            "alibaba",
            "--against",
            "NVDA",
            "--store",
            str(article_store),
        ],
    )
    assert result.exit_code == 1
    assert "quarters" in result.output and "need at least 4" in result.output


def test_pull_reports_failures_at_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def aapl_like_payload() -> dict:
        item = {
            "start": "2023-10-01",
            "end": "2024-09-28",
            "val": 9_447_000_000,
            "accn": "x",
            "fy": 2024,
            "fp": "FY",
            "form": "10-K",
            "filed": "2024-11-01",
        }
        capex = {"label": "", "units": {"USD": [item]}}
        return {
            "cik": 320193,
            "entityName": "Apple Inc.",
            "facts": {"us-gaap": {"PaymentsToAcquirePropertyPlantAndEquipment": capex}},
        }

    def handler(request: httpx.Request) -> httpx.Response:
        return (
            httpx.Response(200, json=aapl_like_payload())
            if "320193" in str(request.url)
            else httpx.Response(429)
        )

    client = SecClient(
        "T t@example.com",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_dir=tmp_path / "c",
        sleep=lambda s: None,
        retries=1,
    )
    monkeypatch.setitem(
        providers.REGISTRY,
        "sec",
        providers.ProviderEntry(lambda: SecProvider(client), ("fundamentals",)),
    )
    path = tmp_path / "s.duckdb"
    result = runner.invoke(
        root(), ["kpi", "pull", "--provider", "sec", "AAPL", "MSFT", "--store", str(path)]
    )
    assert result.exit_code == 1
    assert "AAPL:" in result.stdout
    assert "failed MSFT" in result.output and "HTTP 429" in result.output
    assert set(Store(path).fundamentals()["ticker"]) == {"AAPL"}


@pytest.mark.shared_data  # NVDA's prices from 2015 (the package sample starts 2018)
def test_leadlag_matches_an_independent_computation(tmp_path: Path) -> None:
    """Synthetic quarterly capex for the four hyperscalers against NVDA's real prices."""
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_data_dir(), tickers=["NVDA"])
    rng = np.random.default_rng(3)  # synthetic KPI values
    quarters = pd.period_range("2015Q1", "2024Q4", freq="Q")
    rows = []
    for entity, ticker in (
        ("microsoft", "MSFT"),
        ("amazon", "AMZN"),
        ("alphabet", "GOOGL"),
        ("meta", "META"),
    ):
        level = 5.0 * np.cumprod(1 + rng.normal(0.04, 0.08, len(quarters)))
        for q, v in zip(quarters, level, strict=True):
            rows.append(
                {
                    "entity": entity,
                    "ticker": ticker,
                    "metric": "capex",
                    "fiscal_period": str(q),
                    "period_end": q.end_time.date(),
                    "value": v,
                    "unit": "USD_bn",
                    "currency": "USD",
                    "kind": "actual",
                    "source": "synthetic",
                    "quote": None,
                    "as_of": "2025-01-01",
                }
            )
    store.write_fundamentals(pd.DataFrame(rows))
    out = api.lead_lag(store, metric="capex", group="us_hyperscalers", against="NVDA", max_lag=2)
    # independent: pandas group sum, YoY, quarter-end prices from the store
    facts = pd.DataFrame(rows)
    total = facts.groupby("fiscal_period")["value"].sum()
    total.index = pd.PeriodIndex(total.index, freq="Q")
    yoy = (total / total.shift(4) - 1).dropna()
    px = store.prices(["NVDA"]).set_index("date")["adj_close"]
    px.index = pd.to_datetime(px.index)
    ret = px.groupby(px.index.to_period("Q")).last().pct_change().dropna()
    for lag in range(3):
        joined = pd.concat([yoy, ret.shift(-lag)], axis=1, join="inner").dropna()
        assert out.loc[lag, "n"] == len(joined)
        assert out.loc[lag, "corr"] == pytest.approx(
            np.corrcoef(joined.iloc[:, 0], joined.iloc[:, 1])[0, 1]
        )
