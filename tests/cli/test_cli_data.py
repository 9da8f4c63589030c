"""The data commands end to end: CliRunner on the root app, and real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from aithesis.cli.main import app

runner = CliRunner()


def _aithesis(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("aithesis")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "aithesis.cli.main"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_import_then_list_show_and_json(tmp_path: Path, sample_dir: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["data", "import", str(sample_dir), "--store", store])
    assert result.exit_code == 0, result.output
    manifest = pd.read_csv(sample_dir / "prices_manifest.csv").set_index("ticker")
    files = sorted((sample_dir / "prices").glob("*.csv"))
    rows_in_files = sum(len(pd.read_csv(f)) for f in files)
    assert rows_in_files == manifest["rows"].sum()
    expected = f"imported {rows_in_files:,} price rows ({len(files)} tickers)"
    assert expected in result.output.replace("\n", " ")
    listed = runner.invoke(app, ["--store", store, "data", "list", "--format", "json"])
    rows = json.loads(listed.stdout)
    names = {r["name"] for r in rows}
    assert {"NVDA", "0992.HK", "GSPC", "USDHKD"} <= names
    vst = next(r for r in rows if r["name"] == "VST")
    assert vst["basis"] == "auto_adjusted"
    assert vst["rows"] == len(pd.read_csv(sample_dir / "prices" / "VST.csv"))
    shown = runner.invoke(app, ["data", "show", "AAPL", "--store", store])
    assert shown.exit_code == 0 and "unadjusted split" in shown.output


def test_unknown_ticker_prints_one_error_line_and_exits_1(tmp_path: Path, sample_dir: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    runner.invoke(app, ["data", "import", str(sample_dir), "--store", store, "-t", "NVDA"])
    result = runner.invoke(app, ["data", "show", "NVDAA", "--store", store])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "NVDAA" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_skip_bad_imports_the_good_files_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "prices").mkdir(parents=True)
    (folder / "prices" / "OK.csv").write_text(
        "date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n"
    )
    (folder / "prices" / "BAD.csv").write_text(
        "date,open,high,low,close,volume\n2024-01-02,1,2,0.5,-1.5,10\n"
    )
    store = str(tmp_path / "s.duckdb")
    strict = runner.invoke(app, ["data", "import", str(folder), "--store", store])
    assert strict.exit_code == 1 and "BAD.csv:2" in strict.stderr
    loose = runner.invoke(app, ["data", "import", str(folder), "--store", store, "--skip-bad"])
    assert loose.exit_code == 1
    assert "failed BAD" in loose.stderr.replace("\n", " ")
    listed = runner.invoke(app, ["data", "list", "--store", store, "--format", "csv"])
    assert "OK,price" in listed.stdout and "BAD" not in listed.stdout


def test_export_then_import_round_trip(tmp_path: Path, sample_dir: Path) -> None:
    """Prices (adj_close too), dividends, FX and provenance come back equal."""
    from aithesis.data.store import Store

    a, b = str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")
    first = runner.invoke(
        app, ["data", "import", str(sample_dir), "--store", a, "-t", "MSFT", "-t", "0700.HK"]
    )
    assert first.exit_code == 0, first.output
    out = runner.invoke(app, ["data", "export", str(tmp_path / "pq"), "--store", a])
    assert out.exit_code == 0, out.output
    again = runner.invoke(app, ["data", "import", str(tmp_path / "pq"), "--store", b])
    assert again.exit_code == 0, again.output
    assert "price rows (2 tickers)" in again.output
    old, new = Store(a, read_only=True), Store(b, read_only=True)
    msft = pd.read_csv(sample_dir / "prices" / "MSFT.csv")
    assert (old.prices(["MSFT"])["close"].to_numpy() == msft["close"].to_numpy()).all()
    pd.testing.assert_frame_equal(old.prices(), new.prices(), check_exact=True)
    keep = ["ticker", "ex_date", "amount", "currency"]
    divs = pd.read_csv(sample_dir / "dividends" / "MSFT.csv")
    assert len(old.dividends(["MSFT"])) == int((divs["dividend"] > 0).sum()) > 50
    pd.testing.assert_frame_equal(old.dividends()[keep], new.dividends()[keep], check_exact=True)
    assert old.fx_pairs() == new.fx_pairs() and len(old.fx_pairs()) >= 1
    for pair in old.fx_pairs():
        pd.testing.assert_series_equal(old.fx(pair), new.fx(pair), check_exact=True)
    cols = ["name", "kind", "basis", "currency", "first_date", "last_date", "rows"]
    pd.testing.assert_frame_equal(old.series_info()[cols], new.series_info()[cols])
    info = new.series_info().set_index("name")
    assert info.at["MSFT", "adj_close_from"] == "dividends"


def test_real_process_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    (bad / "prices").mkdir(parents=True)
    (bad / "prices" / "X.csv").write_text("date,open,high,low,close\n2024-01-02,1,2,1,zero\n")
    done = _aithesis("--store", str(tmp_path / "s.duckdb"), "data", "import", str(bad))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "X.csv:2" in lines[0] and "'close'" in lines[0] and "'zero'" in lines[0]
    assert "Traceback" not in done.stderr


def test_real_process_debug_flag_shows_the_traceback(tmp_path: Path) -> None:
    not_duckdb = tmp_path / "x.duckdb"
    not_duckdb.write_bytes(b"this is not a database at all, not at all")
    done = _aithesis("--debug", "--store", str(not_duckdb), "data", "list")
    assert done.returncode != 0 and "Traceback" in done.stderr and "StoreError" in done.stderr
    plain = _aithesis("--store", str(not_duckdb), "data", "list")
    assert plain.returncode == 1 and "not a DuckDB store" in plain.stderr
    assert "Traceback" not in plain.stderr


def _hand_total_return(sample_dir: Path, ticker: str, start: str, dividends: bool) -> float:
    """Total return from the last close on or before ``start`` to the last close, from
    the CSVs: the close ratio times ``close_{t-1} / (close_{t-1} - d_t)`` for every
    ex-date ``t`` after the start row (Yahoo's convention, ARCHITECTURE.md)."""
    prices = pd.read_csv(sample_dir / "prices" / f"{ticker}.csv", parse_dates=["date"])
    i = int((prices["date"] <= pd.Timestamp(start)).to_numpy().nonzero()[0][-1])
    total = prices["close"].iloc[-1] / prices["close"].iloc[i]
    if dividends:
        divs = pd.read_csv(sample_dir / "dividends" / f"{ticker}.csv", parse_dates=["date"])
        dates = prices["date"].tolist()
        for ex, amount in zip(divs["date"], divs["dividend"], strict=True):
            if prices["date"].iloc[i] < ex <= prices["date"].iloc[-1] and amount > 0:
                t = dates.index(ex)
                before = prices["close"].iloc[t - 1]
                total *= before / (before - amount)
    return float(total - 1)


def test_summary_prints_the_universe_table(tmp_path: Path, sample_dir: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    runner.invoke(app, ["data", "import", str(sample_dir), "--store", store])
    done = _aithesis("data", "summary", "--store", store, "--wide", env={"COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    assert "NVDA" in done.stdout and "0992.HK" in done.stdout and "联想" in done.stdout
    from aithesis.universe import load_universe

    universe = load_universe()
    files = {p.stem for p in (sample_dir / "prices").glob("*.csv")}
    with_prices = sum(1 for c in universe if c.ticker in files)
    assert with_prices >= 70
    assert f"{with_prices} of {len(universe)} universe companies have stored prices" in done.stdout
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    for ticker, has_dividends in (("MSFT", True), ("VST", False)):
        prices = pd.read_csv(sample_dir / "prices" / f"{ticker}.csv", parse_dates=["date"])
        last = prices.iloc[-1]
        year_back = f"{last['date'] - pd.Timedelta(days=365):%Y-%m-%d}"
        since = _hand_total_return(sample_dir, ticker, "2022-11-30", has_dividends)
        one_year = _hand_total_return(sample_dir, ticker, year_back, has_dividends)
        cells = re.split(r"\s{2,}", rows[ticker].strip())  # no box: columns split by spaces
        assert f"{last['date']:%Y-%m-%d}" in cells
        assert f"{last['close']:,.2f} USD" in cells
        assert cells[-2:] == [f"{one_year:+.1%}", f"{since:+.1%}"], (ticker, cells)


def test_summary_marks_the_series_that_end_early(sample_store, sample_dir: Path) -> None:
    from aithesis.universe import load_universe

    res = runner.invoke(app, ["data", "summary", "--store", str(sample_store.path)])
    assert res.exit_code == 0, res.output
    # independently: each universe ticker's last date from its CSV; "early" is more than
    # 7 days before the last date most of them share
    universe = {c.ticker for c in load_universe()}
    last = {
        p.stem: pd.read_csv(p, usecols=["date"])["date"].max()
        for p in (sample_dir / "prices").glob("*.csv")
        if p.stem in universe
    }
    ends = pd.Series(pd.to_datetime(list(last.values())), index=list(last))
    common = ends.value_counts().idxmax()
    early = set(ends[ends < common - pd.Timedelta(days=7)].index)
    assert len(early) >= 5 and "9988.HK" in early and "NVDA" not in early
    lines = {line.split()[0]: line for line in res.stdout.splitlines() if line.strip()}
    for ticker in ends.index:
        line = lines[ticker]
        date = f"{ends[ticker]:%Y-%m-%d}"
        if ticker in early:  # the last date and both returns carry the mark
            assert f"{date}*" in line and line.count("*") == 3, line
        else:
            assert f"{date}*" not in line and "*" not in line, line
    text = " ".join(res.stdout.split())
    assert f"* {len(early)} series end early, before {common:%Y-%m-%d}" in text
    assert "their 1y and since returns run to their own last date" in text


def test_summary_fits_the_terminal_without_cutting_names(columns: int, sample_store) -> None:
    res = runner.invoke(app, ["data", "summary", "--store", str(sample_store.path)])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    assert all(len(line) <= columns for line in res.stdout.splitlines())
    from aithesis.universe import load_universe

    words = set(res.stdout.split())
    for company in load_universe():  # names wrap at spaces, never folded mid-word
        if f" {company.ticker} " in res.stdout:
            assert set(company.name.split()) <= words, company.name
    assert "add --wide" in res.stdout
    wide = runner.invoke(app, ["data", "summary", "--store", str(sample_store.path), "--wide"])
    assert "英伟达" in wide.stdout and "interconnect_storage" in wide.stdout
    assert "…" not in wide.stdout


def test_summary_with_a_window_after_the_data_says_so(tmp_path: Path, sample_dir: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    runner.invoke(app, ["data", "import", str(sample_dir), "--store", store, "-t", "MSFT"])
    done = runner.invoke(app, ["data", "summary", "--store", store, "--since", "2099-01-01"])
    assert done.exit_code == 0, done.output
    assert "+0.0%" not in done.stdout and "no data" in done.stdout
    assert "no data in the window" in " ".join(done.stdout.split())


def test_rich_markup_in_user_text_is_printed_literally(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "prices").mkdir(parents=True)
    body = "date,open,high,low,close,volume\n2024-01-02,1,1,1,1,5\n2024-01-03,1,1,1,1,5\n"
    (root / "prices" / "[B].csv").write_text(body)
    (root / "prices_manifest.csv").write_text(
        "ticker,close_basis,source_repo,commit\n[B],raw,evil[/x][bold]repo,abc\n"
    )
    store = str(tmp_path / "s.duckdb")
    done = runner.invoke(app, ["data", "import", str(root), "--store", store])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["data", "list", "--store", store])
    assert listed.exit_code == 0, listed.output
    assert "│ [B]" in listed.stdout, listed.stdout  # (a narrow table truncates the source)
    shown = runner.invoke(app, ["data", "show", "[B]", "--store", store])
    assert shown.exit_code == 0, shown.output
    assert "[B] price" in shown.stdout and "source evil[/x][bold]repo@abc;" in shown.stdout
