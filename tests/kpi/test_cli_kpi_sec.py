"""``aithesis kpi pull --provider sec`` on hostile and gappy payloads: one-line errors,
exit 1, nothing stored for the bad ticker, warnings shown."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from aithesis.cli.kpi import app as kpi_app
from aithesis.cli.main import _AithesisGroup
from aithesis.data import providers
from aithesis.data.providers.sec import SecClient, SecProvider
from aithesis.data.store import Store

runner = CliRunner()
PPE = "PaymentsToAcquirePropertyPlantAndEquipment"


def root() -> typer.Typer:
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    app.add_typer(kpi_app, name="kpi")
    return app


def item(start: str, end: str, val, filed: str, form: str) -> dict:
    return {"start": start, "end": end, "val": val, "filed": filed, "form": form, "accn": filed}


def body(usd: list[dict]) -> dict:
    return {"cik": 789019, "entityName": "X", "facts": {"us-gaap": {PPE: {"units": {"USD": usd}}}}}


GOOD = [item("2023-07-01", "2024-06-30", 44_477e6, "2024-07-30", "10-K")]
NEGATIVE_Q4 = [
    item("2023-07-01", "2023-09-30", 9e9, "2023-10-24", "10-Q"),
    item("2023-07-01", "2023-12-31", 19e9, "2024-01-30", "10-Q"),
    item("2023-07-01", "2024-03-31", 30e9, "2024-04-25", "10-Q"),
    item("2023-07-01", "2024-06-30", 28e9, "2024-07-30", "10-K"),
]
HOSTILE = {
    "taxonomy": (json.dumps({"facts": {"us-gaap": [1]}}), "'us-gaap'"),
    "concept": (json.dumps({"facts": {"us-gaap": {PPE: 7}}}), f"'us-gaap:{PPE}'"),
    "units": (json.dumps({"facts": {"us-gaap": {PPE: {"units": "USD"}}}}), f"{PPE}.units'"),
    "start": (
        json.dumps(body([{**GOOD[0], "start": "2023-7-1"}])),
        f"{PPE}.units.USD[0].start'",
    ),
    "val": (json.dumps(body([{**GOOD[0], "val": 10**400}])), f"{PPE}.units.USD[0].val'"),
    "year": (json.dumps(body([{**GOOD[0], "end": "9999-06-30"}])), f"{PPE}.units.USD[0].end'"),
    "deep": ('{"facts": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deep"),
}


def _serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=text.encode(), headers={"content-type": "text/json"})

    client = SecClient(
        "T t@example.com",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_dir=tmp_path / "cache",
        sleep=lambda s: None,
    )
    entry = providers.ProviderEntry(lambda: SecProvider(client), ("fundamentals",))
    monkeypatch.setitem(providers.REGISTRY, "sec", entry)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_payload_is_a_one_line_error_and_nothing_is_stored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    text, field = HOSTILE[kind]
    _serve(monkeypatch, tmp_path, text)
    path = tmp_path / "s.duckdb"
    result = runner.invoke(root(), ["kpi", "pull", "MSFT", "--store", str(path)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    [line] = [x for x in result.output.splitlines() if "failed MSFT" in x]
    assert field in line
    assert Store(path).fundamentals().empty
    assert not list((tmp_path / "cache").glob("*.json"))  # a refused body is not cached


def test_warnings_are_shown_and_the_negative_quarter_is_not_stored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _serve(monkeypatch, tmp_path, json.dumps(body(NEGATIVE_Q4)))
    path = tmp_path / "s.duckdb"
    result = runner.invoke(root(), ["kpi", "pull", "MSFT", "-m", "capex", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert f"warning MSFT {PPE} FY2024Q4: derived Q4 = FY - 9M" in result.output
    stored = Store(path).fundamentals(ticker="MSFT")
    assert "FY2024Q4" not in set(stored["fiscal_period"])
    assert set(stored["fiscal_period"]) == {"FY2024", "FY2024Q1", "FY2024Q2", "FY2024Q3"}
    assert (stored["value"] >= 0).all()
