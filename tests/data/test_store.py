"""The DuckDB store on the real sample data: counts, idempotence, dense arrays, upserts,
facts, crash safety and concurrent writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.data.api import export_parquet, import_dir
from aithesis.data.store import Store
from aithesis.errors import DataError


def _manifest(sample_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "prices_manifest.csv")


def test_import_holds_every_row_of_the_sample_files(sample_store: Store, sample_dir: Path) -> None:
    manifest = _manifest(sample_dir)
    counts = sample_store.counts()
    assert counts["prices"] == manifest["rows"].sum()
    # every dividend row but those not below the previous close (a vendor anomaly: such
    # a row cannot be a cash dividend on these prices and is left out with a warning)
    dividend_rows = impossible = 0
    for path in (sample_dir / "dividends").glob("*.csv"):
        div = pd.read_csv(path, parse_dates=["date"])
        close = pd.read_csv(sample_dir / "prices" / path.name, parse_dates=["date"])
        prev = np.searchsorted(close["date"].to_numpy(), div["date"].to_numpy()) - 1
        known = prev >= 0
        prev_close = close["close"].to_numpy()[prev[known]]
        dividend_rows += len(div)
        impossible += int((div["dividend"].to_numpy()[known] >= prev_close).sum())
    assert impossible == 1  # 000660.KS 2002-12-27: 12,600 against a 5,985 close
    assert counts["dividends"] == dividend_rows - impossible
    fx_rows = sum(len(pd.read_csv(p)) for p in (sample_dir / "fx").glob("*.csv"))
    assert counts["fx"] == fx_rows
    info = sample_store.series_info().set_index("name")
    for row in manifest.itertuples():
        assert info.at[row.ticker, "basis"] == row.close_basis
        assert info.at[row.ticker, "rows"] == row.rows
        assert f"{info.at[row.ticker, 'first_date']:%Y-%m-%d}" == row.first_date
        assert f"{info.at[row.ticker, 'last_date']:%Y-%m-%d}" == row.last_date


def test_reimport_is_idempotent(tmp_path: Path, sample_dir: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA", "VST", "0700.HK"])
    first = (store.counts(), store.prices().to_csv())
    import_dir(store, sample_dir, tickers=["NVDA", "VST", "0700.HK"])
    assert (store.counts(), store.prices().to_csv()) == first


def test_stored_close_equals_the_file(sample_store: Store, sample_dir: Path) -> None:
    for ticker in ("NVDA", "0992.HK", "GSPC"):
        raw = pd.read_csv(sample_dir / "prices" / f"{ticker}.csv")
        stored = sample_store.prices([ticker])
        np.testing.assert_array_equal(stored["close"].to_numpy(), raw["close"].to_numpy())
        assert stored["date"].dt.strftime("%Y-%m-%d").tolist() == raw["date"].tolist()


def test_auto_adjusted_and_index_series_use_close_as_adj_close(sample_store: Store) -> None:
    for ticker in ("VST", "0700.HK", "GSPC"):
        frame = sample_store.prices([ticker])
        np.testing.assert_array_equal(frame["adj_close"].to_numpy(), frame["close"].to_numpy())


def test_currency_follows_the_listing(sample_store: Store) -> None:
    info = sample_store.series_info().set_index("name")
    assert info.at["0992.HK", "currency"] == "HKD"
    assert info.at["TSM", "currency"] == "USD"


def test_matrix_is_nan_outside_each_listing_window(sample_store: Store, sample_dir: Path) -> None:
    last = _manifest(sample_dir).set_index("ticker")["last_date"]
    names = ["NVDA", "VST", "0700.HK"]
    m = sample_store.price_matrix(names, start="2025-01-01")
    assert m.values.dtype == np.float64 and m.shape[1] == 3
    dates = m.dates
    assert dates[-1] == np.datetime64(max(last[t] for t in names))  # VST's 2026-08-14
    for ticker in names:
        column = m.column(ticker)
        end = np.datetime64(last[ticker])
        assert np.isnan(column[dates > end]).all(), ticker
        assert not np.isnan(column[dates <= end]).any(), ticker
    assert np.isnan(m.column("NVDA")[dates > np.datetime64("2026-05-29")]).all()
    assert m.basis == ("raw", "auto_adjusted", "auto_adjusted")
    assert m.currency == ("USD", "USD", "HKD")


def test_matrix_fills_other_markets_holidays_only_inside_the_window(sample_store: Store) -> None:
    # 2025-04-04 (Ching Ming) HK was closed while the US traded
    filled = sample_store.price_matrix(["NVDA", "0700.HK"], "2025-04-01", "2025-04-10")
    holes = sample_store.price_matrix(
        ["NVDA", "0700.HK"], "2025-04-01", "2025-04-10", ffill_inside=False
    )
    day = int(np.flatnonzero(filled.dates == np.datetime64("2025-04-04"))[0])
    assert np.isnan(holes.column("0700.HK")[day])
    assert filled.column("0700.HK")[day] == filled.column("0700.HK")[day - 1]


def test_matrix_dates_are_the_union_of_trading_dates(sample_store: Store) -> None:
    m = sample_store.price_matrix(["NVDA", "0700.HK"], "2024-01-01", "2024-12-31")
    us = sample_store.prices(["NVDA"], "2024-01-01", "2024-12-31")["date"]
    hk = sample_store.prices(["0700.HK"], "2024-01-01", "2024-12-31")["date"]
    union = np.union1d(us.to_numpy().astype("datetime64[D]"), hk.to_numpy().astype("datetime64[D]"))
    np.testing.assert_array_equal(m.dates, union)


def test_price_return_of_an_auto_adjusted_ticker_is_refused(sample_store: Store) -> None:
    with pytest.raises(DataError) as info:
        sample_store.price_matrix(["NVDA", "VST"], field="close")
    assert "VST" in str(info.value) and "auto_adjusted" in str(info.value)


def test_upsert_replaces_only_the_given_rows(tmp_path: Path, sample_dir: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_dir, tickers=["AMZN"])
    before = store.prices(["AMZN"])
    patch = before.iloc[[-1]].copy()
    patch["close"] = patch["close"] * 1.01
    patch["high"] = patch["high"] * 1.02
    patch["adj_close"] = np.nan
    store.write_batch(prices=patch)
    after = store.prices(["AMZN"])
    assert len(after) == len(before)
    assert after["close"].iloc[-1] == pytest.approx(before["close"].iloc[-1] * 1.01)
    pd.testing.assert_series_equal(after["close"].iloc[:-1], before["close"].iloc[:-1])


def test_fundamentals_keep_restatements_and_read_the_newest(tmp_store: Store) -> None:
    base = {
        "entity": "msft",
        "ticker": "MSFT",
        "metric": "capex",
        "fiscal_period": "FY2024",
        "period_end": "2024-06-30",
        "unit": "USD_M",
        "currency": "USD",
        "kind": "actual",
        "source": "sec",
    }
    tmp_store.write_fundamentals(
        pd.DataFrame(
            [
                {**base, "value": 44000.0, "as_of": "2024-07-30"},
                {**base, "value": 44477.0, "as_of": "2025-07-30"},
            ]
        )
    )
    latest = tmp_store.fundamentals(entity="msft")
    assert latest["value"].tolist() == [44477.0]
    every = tmp_store.fundamentals(entity="msft", latest_only=False)
    assert sorted(every["value"].tolist()) == [44000.0, 44477.0]
    tmp_store.write_fundamentals(pd.DataFrame([{**base, "value": 44477.0, "as_of": "2025-07-30"}]))
    assert len(tmp_store.fundamentals(latest_only=False)) == 2  # idempotent


def test_bad_fact_kind_is_refused_and_nothing_written(tmp_store: Store) -> None:
    row = {
        "entity": "x",
        "metric": "capex",
        "fiscal_period": "FY2024",
        "value": 1.0,
        "unit": "USD",
        "kind": "rumour",
        "source": "s",
        "as_of": "2024-01-01",
    }
    with pytest.raises(DataError, match="rumour"):
        tmp_store.write_fundamentals(pd.DataFrame([row]))
    assert tmp_store.counts()["fundamentals"] == 0


def test_parquet_export_round_trips(tmp_path: Path, sample_dir: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    import_dir(store, sample_dir, tickers=["MSFT", "0992.HK", "GSPC"])
    export_parquet(store, tmp_path / "export")
    assert (tmp_path / "export" / "prices" / "ticker=MSFT").is_dir()
    again = Store(tmp_path / "b.duckdb")
    import_dir(again, tmp_path / "export")
    pd.testing.assert_frame_equal(
        again.prices().drop(columns="source"), store.prices().drop(columns="source")
    )
    assert again.counts() == store.counts()


_WRITER = textwrap.dedent("""
    import sys, numpy as np, pandas as pd
    from aithesis.data.store import Store
    store = Store(sys.argv[1], lock_timeout=60)
    n = int(sys.argv[2]); tag = sys.argv[3]
    dates = pd.bdate_range("1990-01-01", periods=n)
    frames = []
    for k in range(int(sys.argv[4])):
        close = 100 + np.arange(n) * 0.01
        frames.append(pd.DataFrame({"ticker": f"{tag}{k}", "date": dates, "open": close,
            "high": close, "low": close, "close": close, "adj_close": np.nan, "volume": 1.0,
            "currency": "USD", "basis": "raw", "source": "synthetic-test"}))
    batch = pd.concat(frames, ignore_index=True)
    print("writing", flush=True)
    store.write_batch(prices=batch)
    print("done", flush=True)
""")


def _spawn(path: Path, rows: int, tag: str, tickers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(rows), tag, str(tickers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_sigkill_during_a_large_import_leaves_the_store_as_before(
    tmp_path: Path, sample_dir: Path
) -> None:
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, sample_dir, tickers=["NVDA", "AAPL"])
    before = (store.counts(), store.prices().to_csv())
    # synthetic rows: 400 tickers x 10,000 days = 4M rows, several seconds to write
    proc = _spawn(store.path, 10_000, "SYN", 400)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(1.0)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    reopened = Store(store.path)
    assert (reopened.counts(), reopened.prices().to_csv()) == before
    # and the store still takes writes
    import_dir(reopened, sample_dir, tickers=["MSFT"])
    assert "MSFT" in reopened.tickers()


@pytest.mark.slow
def test_two_concurrent_writers_both_land_intact(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store(path)
    a = _spawn(path, 3_000, "A", 60)
    b = _spawn(path, 3_000, "B", 60)
    for proc in (a, b):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.split() == ["writing", "done"]
    store = Store(path)
    counts = store.prices().groupby("ticker").size()
    assert len(counts) == 120 and (counts == 3_000).all()
    assert store.counts()["prices"] == 360_000


def test_a_window_starting_on_a_market_holiday_shows_the_last_close(sample_store: Store) -> None:
    # 2025-04-04 (Ching Ming): Hong Kong closed, New York open
    m = sample_store.price_matrix(["NVDA", "0700.HK"], start="2025-04-04", end="2025-04-10")
    assert m.dates[0] == np.datetime64("2025-04-04")
    before = sample_store.prices(["0700.HK"], end="2025-04-03")["adj_close"].iloc[-1]
    assert m.column("0700.HK")[0] == before
    # a ticker that has stopped trading before the window stays empty (not filled)
    # (0700.HK's file ends 2026-03-26)
    gone = sample_store.price_matrix(["NVDA", "0700.HK"], start="2026-04-01", end="2026-04-10")
    assert gone.dates.size > 0 and np.isnan(gone.column("0700.HK")).all()


def test_a_ticker_asked_for_twice_is_a_data_error(sample_store: Store) -> None:
    with pytest.raises(DataError, match="NVDA is asked for twice"):
        sample_store.price_matrix(["NVDA", "AMD", "nvda"])
