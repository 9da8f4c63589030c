"""Issue 18, data items: broken or hostile price folders give one clear ``error:`` line
(exit 1) or a warning naming the file, never a silently wrong number, a crash or a hang.

Each test here failed on main before the fix (see the issue for the reproductions).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import DataError

runner = CliRunner()
HEADER = "date,open,high,low,close,adj_close,volume\n"
ROW2 = "2024-01-02,10,11,9.5,10.5,,1000\n"
ROW3 = "2024-01-03,10.5,11.5,10,11,,1200\n"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


def _one_error_line(result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def test_an_unquoted_thousands_separator_on_the_first_row_is_refused(
    tmp_path: Path, loaded_store: Store, take_snapshot
) -> None:
    """``1,050.2`` in close used to become close 1 and adj_close 50.2, silently."""
    root = _write(
        tmp_path / "in", {"prices/GOOD.csv": HEADER + "2024-01-02,1040,1060,1030,1,050.2,,9\n"}
    )
    before = take_snapshot(loaded_store)
    done = runner.invoke(app, ["data", "import", str(root), "--store", str(loaded_store.path)])
    _one_error_line(done, "GOOD.csv:2", "malformed CSV", "8 fields", "1,050.2")
    assert take_snapshot(loaded_store) == before


def test_a_quoted_thousands_separator_names_the_cell(tmp_path: Path) -> None:
    root = _write(tmp_path / "in", {"prices/Q.csv": HEADER + '2024-01-02,1,2,1,"1,050.2",,9\n'})
    with pytest.raises(DataError, match=r"Q\.csv:2: 'close': '1,050.2' is not a number"):
        import_dir(Store(tmp_path / "s.duckdb"), root)


def _stored_dates(tmp_path: Path, name: str, ticker: str) -> list[str]:
    store = Store(tmp_path / f"{name}.duckdb")
    import_dir(store, tmp_path / name)
    return store.prices([ticker])["date"].dt.strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize(
    ("ticker", "expected"),
    [("0700.HK", "2023-01-04"), ("NVDA", "2023-01-03")],  # 20:00Z: 04:00 HKT, 15:00 EST
)
def test_a_utc_timestamp_gives_the_same_exchange_local_date_from_csv_and_parquet(
    tmp_path: Path, ticker: str, expected: str
) -> None:
    _write(tmp_path / "csv", {f"prices/{ticker}.csv": HEADER + "2023-01-03T20:00Z,1,1,1,1,,1\n"})
    (tmp_path / "pq" / "prices").mkdir(parents=True)
    frame = pd.DataFrame(
        {"date": [pd.Timestamp("2023-01-03 20:00", tz="UTC")], "open": [1.0], "high": [1.0]}
    ).assign(low=1.0, close=1.0, volume=1.0)
    frame.to_parquet(tmp_path / "pq" / "prices" / f"{ticker}.parquet")
    (tmp_path / "pqtext" / "prices").mkdir(parents=True)
    frame.assign(date="2023-01-03T20:00Z").to_parquet(
        tmp_path / "pqtext" / "prices" / f"{ticker}.parquet"
    )
    assert _stored_dates(tmp_path, "csv", ticker) == [expected]
    assert _stored_dates(tmp_path, "pq", ticker) == [expected]
    assert _stored_dates(tmp_path, "pqtext", ticker) == [expected]


@pytest.mark.parametrize(
    "cell", ["2023-01-03garbage", "2023-01-03T25", "2023-01-03 junk", "2023-01-03T20:00Zx"]
)
def test_text_after_a_date_is_refused_with_file_and_row(tmp_path: Path, cell: str) -> None:
    root = _write(tmp_path / "in", {"prices/X.csv": HEADER + ROW2 + f"{cell},1,1,1,1,,1\n"})
    with pytest.raises(DataError) as info:
        import_dir(Store(tmp_path / "s.duckdb"), root)
    assert f"X.csv:3: 'date': '{cell}' is not a date" in str(info.value)


@pytest.mark.parametrize("marker", ["null", "NA", "#N/A", "NaN"])
def test_missing_value_markers_are_counted_per_column_and_refused_under_strict(
    tmp_path: Path, marker: str
) -> None:
    m = marker
    body = HEADER + ROW2 + f"2024-01-03,{m},{m},10,11,{m},{m}\n" + f"2024-01-04,{m},12,10,11,,5\n"
    root = _write(tmp_path / "in", {"prices/MK.csv": body})
    store = Store(tmp_path / "s.duckdb")
    report = import_dir(store, root)
    (counted,) = [w for w in report.warnings["MK"] if "missing-value markers" in w]
    assert "MK.csv:3" in counted
    assert "open 2, high 1, adj_close 1, volume 1" in counted and "low" not in counted
    stored = store.prices(["MK"])
    assert stored["open"].isna().tolist() == [False, True, True]
    assert stored["volume"].isna().tolist() == [False, True, False]
    with pytest.raises(DataError) as info:
        import_dir(Store(tmp_path / "strict.duckdb"), root, anomalies="refuse")
    assert f"MK.csv:3: 'open': '{m}' is a missing-value marker" in str(info.value)
    strict = runner.invoke(
        app, ["data", "import", str(root), "--store", str(tmp_path / "c.duckdb"), "--strict"]
    )
    _one_error_line(strict, "MK.csv:3", "missing-value marker")
    loose = runner.invoke(app, ["data", "import", str(root), "--store", str(tmp_path / "d.duckdb")])
    assert loose.exit_code == 0  # Rich may wrap the warning: compare words
    assert "open 2, high 1, adj_close 1, volume 1" in " ".join(loose.stderr.split())


def test_odd_entries_named_csv_are_named_and_skipped_never_read(tmp_path: Path) -> None:
    prices = tmp_path / "in" / "prices"
    _write(tmp_path / "in", {"prices/OK.csv": HEADER + ROW2 + ROW3})
    (prices / "DIR.csv").mkdir()
    (prices / "DANGLING.csv").symlink_to(prices / "nowhere.csv")
    (prices / "LOOP1.csv").symlink_to(prices / "LOOP2.csv")
    (prices / "LOOP2.csv").symlink_to(prices / "LOOP1.csv")
    os.mkfifo(prices / "PIPE.csv")
    exe = Path(sys.executable).with_name("aithesis")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "aithesis.cli.main"]
    store = tmp_path / "s.duckdb"
    done = subprocess.run(  # a real process: a read of the FIFO would block it forever
        [*command, "data", "import", str(tmp_path / "in"), "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "1000"},
    )
    assert done.returncode == 0, done.stderr
    err = " ".join(done.stderr.split())
    for name, why in (
        ("DIR.csv", "is a folder, not a file"),
        ("DANGLING.csv", "is a dangling symlink"),
        ("LOOP1.csv", "is a symlink loop"),
        ("LOOP2.csv", "is a symlink loop"),
        ("PIPE.csv", "is a FIFO (named pipe)"),
    ):
        assert f"{name}: {why}" in err, (name, err)
    assert Store(store).tickers() == ["OK"]


@pytest.mark.parametrize(
    ("files", "fragments"),
    [
        (
            {"prices/X.csv": "date,open,high,low,close,ticker\n2024-01-02,1,1,1,1,ZZ\n"},
            ["X.csv:2", "'ticker'", "'ZZ'", "the file is for X"],
        ),
        (
            {"prices/X.csv": "date,open,high,low,close\n1600-01-02,1,1,1,1\n"},
            ["X.csv:2", "'date'", "1600-01-02", "outside 1677-09-22 .. 2262-04-11"],
        ),
        (
            {"prices/X.csv": "date,open,high,low,close\n2024-01-02,1,1,1,1\n2300-01-02,1,1,1,1\n"},
            ["X.csv:3", "'date'", "2300-01-02", "outside"],
        ),
        (
            {"prices/X.csv": HEADER + ROW2, "dividends/X.csv/keep": ""},
            ["dividends/X.csv", "is a folder, not a file"],
        ),
        (
            {"prices/X.csv": HEADER + ROW2, "fx/USDHKD.csv/keep": ""},
            ["fx/USDHKD.csv", "is a folder, not a file"],
        ),
    ],
    ids=["ticker column", "year 1600", "year 2300", "dividends folder", "fx folder"],
)
def test_crashes_are_one_error_line(tmp_path: Path, files: dict[str, str], fragments) -> None:
    root = _write(tmp_path / "in", files)
    done = runner.invoke(app, ["data", "import", str(root), "--store", str(tmp_path / "s.duckdb")])
    _one_error_line(done, *fragments)
    assert Store(tmp_path / "s.duckdb").counts()["prices"] == 0


def test_a_ticker_column_naming_the_file_s_own_ticker_is_fine(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "in", {"prices/X.csv": "date,open,high,low,close,ticker\n2024-01-02,1,1,1,1,x\n"}
    )
    store = Store(tmp_path / "s.duckdb")
    import_dir(store, root)
    assert store.prices(["X"])["close"].tolist() == [1.0]


def test_a_parquet_date_before_1677_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "in" / "prices").mkdir(parents=True)
    frame = pd.DataFrame({"date": ["1600-01-02"], "open": [1.0], "high": [1.0], "low": [1.0]})
    frame.assign(close=1.0).to_parquet(tmp_path / "in" / "prices" / "X.parquet")
    done = runner.invoke(
        app, ["data", "import", str(tmp_path / "in"), "--store", str(tmp_path / "s.duckdb")]
    )
    _one_error_line(done, "X.parquet:1", "1600-01-02", "outside")


def test_an_unreadable_prices_folder_is_one_error_line(tmp_path: Path, monkeypatch) -> None:
    """Simulated: the suite may run as root, for whom chmod 000 changes nothing."""
    root = _write(tmp_path / "in", {"prices/X.csv": HEADER + ROW2})
    real = Path.iterdir

    def denied(self: Path):
        if self.name == "prices":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    done = runner.invoke(app, ["data", "import", str(root), "--store", str(tmp_path / "s.duckdb")])
    _one_error_line(done, "in/prices", "cannot list the folder (Permission denied)")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads a chmod 000 folder anyway; the simulated test above covers it",
)
def test_an_unreadable_prices_folder_for_real(tmp_path: Path) -> None:
    root = _write(tmp_path / "in", {"prices/X.csv": HEADER + ROW2})
    (root / "prices").chmod(0)
    try:
        done = runner.invoke(
            app, ["data", "import", str(root), "--store", str(tmp_path / "s.duckdb")]
        )
    finally:
        (root / "prices").chmod(0o755)
    _one_error_line(done, "prices", "Permission denied")
