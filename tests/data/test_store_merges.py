"""Writes that meet stored data: re-based histories, source adj_close, stale warnings,
dividends the files get wrong, and rollback when a write fails half-way."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aithesis.data.api import import_dir
from aithesis.data.providers.base import PriceQuery
from aithesis.data.providers.yahoo import YahooProvider
from aithesis.data.store import Store
from aithesis.errors import DataError


def test_rows_rebased_by_a_split_are_refused_and_nothing_changes(
    rows, days, tmp_store: Store
) -> None:
    tmp_store.write_batch(prices=rows("NV", days[:3], [1224.0, 1209.0, 1208.0]))
    before = tmp_store.prices().to_csv()
    # a later download is split-adjusted 10:1 and overlaps the last stored day
    with pytest.raises(DataError) as info:
        tmp_store.write_batch(prices=rows("NV", days[2:], [120.8, 121.5, 120.9]))
    assert "NV" in str(info.value) and "re-based" in str(info.value)
    assert "aithesis data delete NV" in str(info.value)
    assert tmp_store.prices().to_csv() == before


def test_an_update_rebased_3_for_2_with_one_overlapping_date_is_refused(
    rows, days, tmp_store: Store
) -> None:
    """Issue 18: spliced onto the stored scale it would be a silent -34 % day."""
    tmp_store.write_batch(prices=rows("TP", days[:3], [300.0, 303.0, 306.0]))
    before = tmp_store.prices().to_csv()
    with pytest.raises(DataError) as info:
        tmp_store.write_batch(prices=rows("TP", days[2:], [204.0, 205.0, 206.0]))
    assert "re-based" in str(info.value) and "2024-06-05: 204 vs stored 306" in str(info.value)
    assert tmp_store.prices().to_csv() == before


def test_rows_rebased_by_a_dividend_factor_are_refused(rows, days, tmp_store: Store) -> None:
    tmp_store.write_batch(prices=rows("AA", days[:4], [50.0, 51.0, 52.0, 53.0]))
    rebased = [c * 0.985 for c in (51.0, 52.0, 53.0)] + [54.0]
    with pytest.raises(DataError, match="re-based"):
        tmp_store.write_batch(prices=rows("AA", days[1:], rebased))


def test_a_few_corrected_closes_are_an_ordinary_upsert(rows, days, tmp_store: Store) -> None:
    tmp_store.write_batch(prices=rows("CC", days, [10.0, 10.5, 11.0, 11.5, 12.0]))
    tmp_store.write_batch(prices=rows("CC", days[2:3], [11.2]))
    assert tmp_store.prices(["CC"])["close"].tolist() == [10.0, 10.5, 11.2, 11.5, 12.0]


def test_a_split_like_jump_at_an_append_is_warned(rows, days, tmp_store: Store) -> None:
    tmp_store.write_batch(prices=rows("JJ", days[:2], [1000.0, 1010.0]))
    tmp_store.write_batch(prices=rows("JJ", days[2:], [101.0, 102.0, 103.0]))
    warnings = tmp_store.series_info().set_index("name").at["JJ", "warnings"]
    assert any("x0.100" in w and "re-based" in w for w in warnings)


def test_source_adj_close_is_kept_and_extended_not_replaced_by_close(
    rows, days, tmp_store: Store
) -> None:
    tmp_store.write_batch(prices=rows("SA", days[:2], [10.0, 10.0], adj=[9.8, 10.0]))
    tmp_store.write_batch(prices=rows("SA", days[2:3], [10.5]))  # no adj_close given
    stored = tmp_store.prices(["SA"])
    # the 2% dividend before day 2 survives; day 3 chains on with its price return
    assert stored["adj_close"].tolist() == pytest.approx([9.8, 10.0, 10.5], rel=1e-15)
    info = tmp_store.series_info().set_index("name")
    assert info.at["SA", "adj_close_from"] == "source"
    assert any("extended" in w for w in info.at["SA", "warnings"])


def test_reimport_of_a_fixed_file_clears_its_old_warning(make_dir, tmp_store: Store) -> None:
    gap = "date,open,high,low,close\n2024-01-02,10,10,10,10\n2024-01-12,10,10,10,10\n"
    root = make_dir({"prices/WW.csv": gap})
    store = tmp_store
    import_dir(store, root)
    assert (
        "gap of 10 calendar days" in store.series_info().set_index("name").at["WW", "warnings"][0]
    )
    filled = gap.replace("2024-01-12", "2024-01-05,10,10,10,10\n2024-01-09,10,10,10,10\n2024-01-12")
    (root / "prices" / "WW.csv").write_text(filled)
    import_dir(store, root)
    warnings = store.series_info().set_index("name").at["WW", "warnings"]
    assert not any("gap" in w for w in warnings)


def test_a_redated_dividend_replaces_the_old_one_on_reimport(make_dir, tmp_store: Store) -> None:
    root = make_dir(
        {
            "prices/RD.csv": "date,open,high,low,close\n2024-01-02,10,10,10,10\n"
            "2024-01-03,10,10,10,10\n2024-01-04,10,10,10,10\n",
            "dividends/RD.csv": "date,dividend\n2024-01-03,0.5\n",
        }
    )
    store = tmp_store
    import_dir(store, root)
    (root / "dividends" / "RD.csv").write_text("date,dividend\n2024-01-04,0.5\n")  # corrected
    import_dir(store, root)
    assert store.dividends(["RD"])["ex_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-04"]
    adj = store.prices(["RD"])["adj_close"].tolist()
    assert adj == pytest.approx([9.5, 9.5, 10.0], rel=1e-15)  # one dividend, not two


def test_derivation_notes_are_recomputed_not_piled_up(rows, days, tmp_store: Store) -> None:
    tmp_store.write_batch(prices=rows("DN", days[:2], [10.0, 10.0]))
    late = pd.DataFrame(
        {
            "ticker": ["DN"],
            "ex_date": pd.to_datetime(["2024-06-06"]),
            "amount": [0.1],
            "currency": ["USD"],
            "source": ["test"],
        }
    )
    tmp_store.write_batch(dividends=late)  # after the last row: noted, not applied
    notes = tmp_store.series_info().set_index("name").at["DN", "warnings"]
    assert len(notes) == 1 and "ignored" in notes[0]
    tmp_store.write_batch(prices=rows("DN", days[2:4], [10.0, 9.9]))  # now it applies
    notes = tmp_store.series_info().set_index("name").at["DN", "warnings"]
    assert notes == []
    adj = tmp_store.prices(["DN"])["adj_close"].to_numpy()
    assert adj[2] == pytest.approx(10.0 * (1 - 0.1 / 10.0))


def test_yahoo_dividend_on_a_row_without_prices_is_kept() -> None:
    index = pd.DatetimeIndex(
        pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-04"]), name="Date"
    ).tz_localize("America/New_York")
    nan = np.nan
    frame = pd.DataFrame(
        {
            "Open": [10.0, nan, 9.6],
            "High": [10.0, nan, 9.7],
            "Low": [10.0, nan, 9.5],
            "Close": [10.0, nan, 9.6],
            "Adj Close": [9.5, nan, 9.6],
            "Volume": [100, 0, 100],
            "Dividends": [0.0, 0.5, 0.0],
            "Stock Splits": [0.0, 0.0, 0.0],
        },
        index=index,
    )
    batch = YahooProvider(history=lambda t, s, e: frame).fetch(PriceQuery(tickers=("DV",)))
    assert batch.dividends["amount"].tolist() == [0.5]
    assert len(batch.prices) == 2


def test_bad_dividend_names_its_file_and_line_and_skip_bad_keeps_the_rest(
    make_dir, tmp_store: Store
) -> None:
    body = "date,open,high,low,close\n2024-01-02,10,10,10,10\n2024-01-03,10,10,10,10\n"
    root = make_dir(
        {
            "prices/KO.csv": body,
            "prices/PEP.csv": body,
            "dividends/KO.csv": "date,dividend\n2024-01-03,-0.25\n",
        }
    )
    store = tmp_store
    with pytest.raises(DataError) as info:
        import_dir(store, root)
    assert "dividends/KO.csv:2" in str(info.value) and "'dividend'" in str(info.value)
    assert store.counts()["prices"] == 0
    report = import_dir(store, root, strict=False)
    assert report.tickers == ["PEP"] and "dividends/KO" in report.failures
    assert store.tickers() == ["PEP"]


def test_duplicate_ticker_in_the_manifest_is_named(make_dir, tmp_store: Store) -> None:
    root = make_dir(
        {
            "prices/KO.csv": "date,open,high,low,close\n2024-01-02,1,1,1,1\n",
            "prices_manifest.csv": "ticker,close_basis\nKO,raw\nKO,auto_adjusted\n",
        }
    )
    with pytest.raises(DataError) as info:
        import_dir(tmp_store, root)
    assert "prices_manifest.csv:3" in str(info.value) and "KO is listed twice" in str(info.value)


def test_trailing_commas_do_not_shift_the_columns(make_dir, tmp_store: Store) -> None:
    body = "date,open,high,low,close\n2024-01-02,1,2,0.5,1.5,\n2024-01-03,1.5,2,1,1.8,\n"
    store = tmp_store
    import_dir(store, make_dir({"prices/TC.csv": body}))
    assert store.prices(["TC"])["close"].tolist() == [1.5, 1.8]


def test_a_failure_after_the_delete_rolls_everything_back(
    loaded_store: Store,
    take_snapshot,
    monkeypatch,
) -> None:
    before = take_snapshot(loaded_store)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full while writing provenance")

    from aithesis.data import store_writes

    monkeypatch.setattr(store_writes, "record_series", boom)
    patch = loaded_store.prices(["GOOD"]).iloc[[0]].assign(close=10.6, high=11.0)
    with pytest.raises(RuntimeError, match="disk full"):
        loaded_store.write_batch(prices=patch)
    monkeypatch.undo()
    assert take_snapshot(loaded_store) == before


def test_utc_timestamps_in_parquet_become_exchange_local_dates(tmp_path: Path) -> None:
    """A Hong Kong close stamped 2024-03-01 00:00+08:00 is 2024-02-29 16:00 UTC: the
    stored trading date must be 2024-03-01, not the UTC date."""
    root = tmp_path / "in" / "prices"
    root.mkdir(parents=True)
    stamps = (
        pd.to_datetime(["2024-03-01 00:00", "2024-03-04 00:00"])
        .tz_localize("Asia/Hong_Kong")
        .tz_convert("UTC")
    )
    pd.DataFrame(
        {
            "date": stamps,
            "open": [300.0, 301.0],
            "high": [302.0, 303.0],
            "low": [299.0, 300.0],
            "close": [301.0, 302.0],
        }
    ).to_parquet(root / "0700.HK.parquet")
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, root.parent)
    dates = store.prices(["0700.HK"])["date"].dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2024-03-01", "2024-03-04"]


def test_a_bare_folder_warns_that_total_return_is_price_return(tmp_path: Path) -> None:
    root = tmp_path / "bare"
    root.mkdir()
    (root / "ZZ.csv").write_text(
        "date,open,high,low,close\n2024-01-02,1,1,1,1\n2024-01-03,1,1.1,1,1.1\n"
    )
    store = Store(tmp_path / "s.duckdb")
    report = import_dir(store, root)
    assert "price return" in report.warnings["ZZ"][0]
    info = store.series_info().set_index("name")
    assert info.at["ZZ", "basis"] == "raw"
    assert info.at["ZZ", "adj_close_from"] == "close (no dividends)"
    again = Store(tmp_path / "t.duckdb")
    report = import_dir(again, root, basis="auto_adjusted")
    assert report.warnings["ZZ"] == []
    assert again.series_info().set_index("name").at["ZZ", "basis"] == "auto_adjusted"


def test_several_tickers_are_deleted_together_or_not_at_all(rows, days, tmp_store: Store) -> None:
    tmp_store.write_batch(prices=rows("AA", days[:2], [1.0, 1.1]))
    tmp_store.write_batch(prices=rows("BB", days[:2], [2.0, 2.1]))
    with pytest.raises(DataError, match="not in the store: CC"):
        tmp_store.delete_tickers(["AA", "CC"])
    assert tmp_store.tickers() == ["AA", "BB"]
    assert tmp_store.delete_tickers(["aa", "BB"]) == {"AA": 2, "BB": 2}
    assert tmp_store.tickers() == []


def test_trailing_commas_print_no_pandas_warning(make_dir, tmp_path: Path) -> None:
    """A file with trailing empty fields and an error: the user sees the one error line,
    not pandas' ParserWarning and its source line (found by the price fuzz, seed 11)."""
    import subprocess
    import sys

    body = "date,open,high,low,close\n,10,11,9.5,10.5,\n2024-01-03,10.5,11.5,10,11,\n"
    root = make_dir({"prices/X.csv": body})
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "aithesis",
            "data",
            "import",
            str(root),
            "--store",
            str(tmp_path / "s.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "X.csv:2" in lines[0], lines
    assert "'date'" in lines[0] and "Warning" not in done.stderr
