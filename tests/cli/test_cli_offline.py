"""Live providers on a dead network (simulated: no real network is touched): one clean
line per failure, the SEC's missing User-Agent said once, and a quick give-up."""

from __future__ import annotations

import logging
import socket
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()


def _dead_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def refuse(host: object, *args: object, **kwargs: object) -> None:
        calls.append(str(host))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return calls


def test_yahoo_offline_prints_one_clean_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Ticker:  # what yfinance does offline: log, print, return an empty frame
        def __init__(self, symbol: str) -> None:
            self.symbol = symbol

        def history(self, **kwargs: object) -> pd.DataFrame:
            log = logging.getLogger("yfinance")
            for _ in range(4):
                log.error("Cookie/crumb fetch failed (DNSError), continuing without crumb")
                log.error(
                    f"Failed to get ticker '{self.symbol}' reason: Failed to perform, curl: "
                    "(6) Could not resolve host: query2.finance.yahoo.com"
                )
            print(f"${self.symbol}: possibly delisted; no timezone found")
            return pd.DataFrame()

    monkeypatch.setitem(sys.modules, "yfinance", types.SimpleNamespace(Ticker=Ticker))
    _dead_dns(monkeypatch)
    store = str(tmp_path / "s.duckdb")
    res = runner.invoke(app, ["data", "pull", "NVDA", "--provider", "yahoo", "--store", store])
    assert res.exit_code == 1
    assert "Could not resolve" not in res.output and "crumb" not in res.output
    assert "possibly delisted" not in res.output
    failed = [line for line in res.output.splitlines() if line.startswith("failed")]
    assert failed == [
        "failed NVDA: cannot reach Yahoo Finance for NVDA (no network?); check the network "
        "connection and try again; nothing was stored"
    ]


def test_sec_without_user_agent_says_so_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AITHESIS_SEC_USER_AGENT", raising=False)
    calls = _dead_dns(monkeypatch)
    args = ["kpi", "pull", "--provider", "sec", "AMZN", "MSFT", "GOOGL", "META"]
    res = runner.invoke(app, [*args, "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 1
    assert res.output.count("User-Agent") == 1, res.output
    assert "failed AMZN, GOOGL, META, MSFT: 'user_agent'" in res.output
    assert calls == []  # nothing was sent without a User-Agent


def test_sec_gives_up_on_a_dead_network_within_seconds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AITHESIS_SEC_USER_AGENT", "Test Person test@example.com")
    monkeypatch.setenv("AITHESIS_HOME", str(tmp_path / "home"))  # an empty SEC cache
    calls = _dead_dns(monkeypatch)
    args = ["kpi", "pull", "--provider", "sec", "AMZN", "MSFT", "GOOGL", "META"]
    started = time.monotonic()
    res = runner.invoke(app, [*args, "--store", str(tmp_path / "s.duckdb")])
    elapsed = time.monotonic() - started
    assert res.exit_code == 1
    assert elapsed < 5.0, elapsed
    assert 1 <= len(calls) <= 2  # two connection attempts, then the others skip
    failed = [line for line in res.output.splitlines() if line.startswith("failed")]
    assert len(failed) == 4 and all("unreachable" in line for line in failed), res.output
