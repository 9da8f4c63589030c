"""A data folder someone sends you cannot run SQL: names reach DuckDB/pyarrow as data.

Today's reproduction: a hive-partitioned export whose partition folder is named
``ticker=A'); COPY (...) TO (...); --`` made ``data import`` execute the COPY. Each test
asserts that no file appears outside the test's own folders.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd
import pytest

from aithesis.data.api import export_parquet, import_dir
from aithesis.data.store import Store
from aithesis.errors import AithesisError


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def _prices(ticker: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "open": [10.0, 11.0],
            "high": [10.0, 11.0],
            "low": [10.0, 11.0],
            "close": [10.0, 11.0],
            "adj_close": [10.0, 11.0],
            "volume": [1.0, 1.0],
            "currency": "USD",
            "basis": "raw",
            "source": "hand-made test rows",
        }
    )


EVIL = "A'); COPY (SELECT 'ECHO PWNED') TO 'PWNED.SH' (FORMAT CSV); --"


@pytest.mark.parametrize("table", ["prices", "dividends", "fx"])
def test_a_partition_name_holding_sql_runs_nothing(tmp_path: Path, table: str) -> None:
    root = tmp_path / "export"
    store = Store(tmp_path / "s.duckdb")
    store.write_batch(prices=_prices("AAA"))
    export_parquet(store, root)
    key = "pair" if table == "fx" else "ticker"
    # the same hostile name for the prices partition and the one under test
    for folder in {"prices", table}:
        evil = root / folder / f"{key if folder == table else 'ticker'}={EVIL}"
        evil.mkdir(parents=True)
        if folder == "fx":
            frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-03"]), "rate": [7.8]})
        elif folder == "prices":
            frame = _prices("AAA").drop(columns="ticker")
        else:
            frame = pd.DataFrame(
                {"ex_date": pd.to_datetime(["2024-01-03"]), "amount": [0.1], "currency": "USD"}
            )
        frame.to_parquet(evil / "data.parquet")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    before = _files(tmp_path)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        target = Store(tmp_path / "t.duckdb")
        with contextlib.suppress(AithesisError):  # refusing is fine; running its SQL is not
            import_dir(target, root)
    finally:
        os.chdir(old)
    after = _files(tmp_path) - before
    assert not list(cwd.iterdir()), list(cwd.iterdir())
    assert not [p for p in after if p.name.lower().startswith("pwned")]
    assert all(p.parent == tmp_path and p.name.startswith("t.duckdb") for p in after), after


def test_an_export_folder_name_holding_sql_runs_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.write_batch(prices=_prices("AAA"))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        out = Path("x' (FORMAT CSV); COPY (SELECT 1) TO 'pwned.sh'; --")
        export_parquet(store, out)
        assert (out / "prices").is_dir()
        made = {p.relative_to(cwd) for p in cwd.rglob("*") if p.is_file()}
    finally:
        os.chdir(old)
    assert not [p for p in made if p.name.lower().startswith("pwned")], made
    again = Store(tmp_path / "again.duckdb")
    import_dir(again, cwd / out)
    assert again.prices().drop(columns="source").equals(store.prices().drop(columns="source"))


@pytest.mark.parametrize("ticker", ["BRK B", "腾讯控股", "A/B", "X%41"])
def test_export_then_import_keeps_odd_ticker_names_and_their_dividends(
    tmp_path: Path, ticker: str
) -> None:
    store = Store(tmp_path / "s.duckdb")
    divs = pd.DataFrame(
        {
            "ticker": ticker,
            "ex_date": pd.to_datetime(["2024-01-03"]),
            "amount": [0.5],
            "currency": "USD",
            "source": "hand-made",
        }
    )
    store.write_batch(prices=_prices(ticker), dividends=divs, dividends_for={ticker})
    export_parquet(store, tmp_path / "out")
    again = Store(tmp_path / "again.duckdb")
    import_dir(again, tmp_path / "out")
    assert again.tickers() == [ticker]
    got = again.dividends([ticker])
    assert got["amount"].tolist() == [0.5] and got["ticker"].tolist() == [ticker]
    np_close = again.prices([ticker])["adj_close"].to_numpy()
    # 0.5 off a 10.0 close on the ex-date: the earlier adj_close is scaled by 0.95
    assert np_close.tolist() == pytest.approx([10.0 * (1 - 0.5 / 10.0), 11.0], rel=1e-12)
