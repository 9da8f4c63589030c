"""The SEC provider on REAL recorded companyfacts payloads (../shared/data/sec).

Every capex value the provider produces is checked against an independent
de-cumulation written here from the raw JSON: fiscal years come from each company's
published rule (Microsoft: 30 June; NVIDIA: last Sunday of January; Apple: last Saturday
of September; Alphabet: 31 December), not from the provider's calendar; for each period
the latest filing wins; quarters are Q1 = 3-month YTD, Qn = YTD(n) - YTD(n-1), unless a
discrete 3-month value was filed, which must then equal that difference.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from aithesis.config import shared_data_dir
from aithesis.data.providers.sec import companyfacts_to_frame, shares_outstanding_frame

M = 1_000_000
CAPEX = ("PaymentsToAcquirePropertyPlantAndEquipment", "PaymentsToAcquireProductiveAssets")


pytestmark = pytest.mark.shared_data  # skipped without ../shared, an error under CI=true


def _sec_dir() -> Path:
    root = shared_data_dir()
    folder = root / "sec" if root is not None else None
    if folder is None or not folder.is_dir():
        pytest.fail(f"real SEC payloads missing under {root} (../shared/data/sec)")
    return folder


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


FY_END = {  # fiscal year Y ends on ...
    "MSFT": lambda y: dt.date(y, 6, 30),
    "NVDA": lambda y: _last_weekday(y, 1, calendar.SUNDAY),
    "AAPL": lambda y: _last_weekday(y, 9, calendar.SATURDAY),
    "GOOGL": lambda y: dt.date(y, 12, 31),
}
FILES = {
    "MSFT": "CIK0000789019.partial.json",
    "NVDA": "CIK0001045810.json",
    "AAPL": "CIK0000320193.json",
    "GOOGL": "CIK0001652044.json",
}


def _raw_latest(payload: dict) -> dict[tuple[dt.date, dt.date], tuple[float, str]]:
    """Per (start, end): (value, filed) of the latest filing (first concept in a filing)."""
    best: dict[tuple[dt.date, dt.date], tuple] = {}
    for rank, concept in enumerate(CAPEX):
        node = payload["facts"]["us-gaap"].get(concept)
        for item in node["units"]["USD"] if node else []:
            key = (dt.date.fromisoformat(item["start"]), dt.date.fromisoformat(item["end"]))
            order = (item["filed"], item["accn"], -rank)
            if key not in best or order > best[key][0]:
                best[key] = (order, float(item["val"]))
    return {k: (v, order[0]) for k, (order, v) in best.items()}


def independent_capex(ticker: str, payload: dict) -> dict[str, float]:
    """Label -> capex, de-cumulated by hand from the raw JSON."""
    latest = _raw_latest(payload)
    december = ticker == "GOOGL"
    out: dict[str, float] = {}
    for year in range(2005, 2028):
        start = FY_END[ticker](year - 1) + dt.timedelta(days=1)
        end = FY_END[ticker](year)
        ytd = {}  # quarter number -> (YTD value, filed)
        for (s, e), v in latest.items():
            if s == start and e <= end:
                ytd[round(((e - s).days + 1) / 91.3)] = v
        quarterly = {}  # discrete 3-month values inside the year: (value, filed)
        for (s, e), v in latest.items():
            if start < s and e <= end and 80 <= (e - s).days + 1 <= 100:
                quarterly[round(((e - start).days + 1) / 91.3)] = v
        prefix = f"{year}Q" if december else f"FY{year}Q"
        if 4 in ytd:
            out[f"FY{year}"] = ytd[4][0]
        if 1 in ytd:
            out[prefix + "1"] = ytd[1][0]
        for n in (2, 3, 4):
            if n in ytd and n - 1 in ytd:
                diff = ytd[n][0] - ytd[n - 1][0]
                diff_filed = max(ytd[n][1], ytd[n - 1][1])
                # a filed 3-month value stands unless YTDs filed later give another figure
                if n in quarterly and quarterly[n][1] >= diff_filed:
                    out[f"{prefix}{n}"] = quarterly[n][0]
                else:
                    out[f"{prefix}{n}"] = diff
                if n in quarterly and quarterly[n][0] != diff:
                    RESTATED.append((ticker, f"{prefix}{n}", quarterly[n], diff, diff_filed))
            elif n in quarterly:
                out[f"{prefix}{n}"] = quarterly[n][0]
    return out


RESTATED: list[tuple] = []


def _latest(frame: pd.DataFrame) -> pd.DataFrame:
    capex = frame[frame["metric"] == "capex"].sort_values("as_of", kind="stable")
    return capex.groupby("fiscal_period").last()


@pytest.mark.parametrize("ticker", ["MSFT", "NVDA", "AAPL", "GOOGL"])
def test_every_capex_value_equals_an_independent_decumulation(ticker: str) -> None:
    payload = json.loads((_sec_dir() / FILES[ticker]).read_text(encoding="utf-8"))
    frame = companyfacts_to_frame(payload, ticker=ticker, metrics=["capex"])
    got = _latest(frame)
    RESTATED.clear()
    expected = independent_capex(ticker, payload)
    assert sorted(got.index) == sorted(expected)
    for label, value in expected.items():
        assert got.loc[label, "value"] == pytest.approx(value), label
    # labels follow the fiscal year: every FY row ends on the company's published year end
    for label, row in got.iterrows():
        if not str(label).startswith("FY") or "Q" in str(label):
            continue
        assert pd.Timestamp(row["period_end"]).date() == FY_END[ticker](int(label[2:])), label
    assert (frame["value"] >= 0).all() and set(frame["currency"]) == {"USD"}
    assert len(expected) > 40  # the whole history, not a handful of rows
    if ticker == "GOOGL":
        # the 10-Q filed 2016-11-03 restates 9M 2015 (7,848) and files Q3 2015 as 2,383,
        # while 9M - H1 (H1 from an earlier filing) is 2,406: the period's own latest
        # filing wins
        assert RESTATED == [("GOOGL", "2015Q3", (2_383 * M, "2016-11-03"), 2_406 * M, "2016-11-03")]
        assert got.loc["2015Q3", "value"] == 2_383 * M and got.loc["2015Q3", "kind"] == "actual"


def test_published_annual_totals_and_fiscal_year_ends() -> None:
    folder = _sec_dir()

    def capex(ticker: str) -> pd.DataFrame:
        payload = json.loads((folder / FILES[ticker]).read_text(encoding="utf-8"))
        return _latest(companyfacts_to_frame(payload, ticker=ticker, metrics=["capex"]))

    msft = capex("MSFT")
    assert msft.loc["FY2023", "value"] == 28_107 * M
    assert msft.loc["FY2024", "value"] == 44_477 * M
    assert msft.loc["FY2025", "value"] == 64_551 * M
    assert pd.Timestamp(msft.loc["FY2025Q1", "period_end"]).date() == dt.date(2024, 9, 30)
    aapl = capex("AAPL")
    assert aapl.loc["FY2024", "value"] == 9_447 * M
    assert pd.Timestamp(aapl.loc["FY2024Q4", "period_end"]).date() == dt.date(2024, 9, 28)
    nvda = capex("NVDA")
    assert pd.Timestamp(nvda.loc["FY2026", "period_end"]).date() == dt.date(2026, 1, 25)
    assert pd.Timestamp(nvda.loc["FY2027Q1", "period_start"]).date() == dt.date(2026, 1, 26)
    googl = capex("GOOGL")
    assert "2025Q4" in googl.index and "FY2025Q4" not in googl.index


def test_real_gaps_are_reported() -> None:
    payload = json.loads((_sec_dir() / FILES["NVDA"]).read_text(encoding="utf-8"))
    frame = companyfacts_to_frame(payload, ticker="NVDA")
    warnings = frame.attrs["warnings"]
    # NVIDIA tagged no annual capex for FY2013-FY2021 (SOURCES.md)
    assert "NVDA capex: no annual figure for FY2013-FY2021, so FY and Q4 are missing" in (
        " ".join(warnings)
    )
    capex = set(frame.loc[frame["metric"] == "capex", "fiscal_period"])
    assert not {f"FY{y}" for y in range(2013, 2022)} & capex


def test_shares_outstanding_per_cover_date() -> None:
    payload = json.loads((_sec_dir() / FILES["AAPL"]).read_text(encoding="utf-8"))
    shares = shares_outstanding_frame(payload, ticker="AAPL")
    raw = payload["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    latest: dict[str, tuple[str, float]] = {}
    for item in raw:
        if item["end"] not in latest or item["filed"] >= latest[item["end"]][0]:
            latest[item["end"]] = (item["filed"], float(item["val"]))
    assert len(shares) == len(latest)
    for _, row in shares.iterrows():
        assert row["shares"] == latest[row["date"].isoformat()][1]
    assert shares["date"].is_monotonic_increasing
    googl = json.loads((_sec_dir() / FILES["GOOGL"]).read_text(encoding="utf-8"))
    assert shares_outstanding_frame(googl, ticker="GOOGL").empty


# ------------------------------------------------------------------ offline files
def _zip(folder: Path, target: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("CIK*.json")):
            archive.write(path, path.name)
    return target


def test_a_folder_and_its_zip_give_identical_frames(tmp_path: Path) -> None:
    from aithesis.data.providers import get_provider

    folder = _sec_dir()
    archive = _zip(folder, tmp_path / "companyfacts.zip")
    for ticker in ("MSFT", "NVDA"):
        a = get_provider("sec", kind="fundamentals", files=folder).fundamentals(ticker)
        b = get_provider("sec", kind="fundamentals", files=archive).fundamentals(ticker)
        pd.testing.assert_frame_equal(a, b)
        payload = json.loads((folder / FILES[ticker]).read_text(encoding="utf-8"))
        pd.testing.assert_frame_equal(a, companyfacts_to_frame(payload, ticker=ticker))


def test_damaged_files_are_one_line_errors_naming_the_file(tmp_path: Path) -> None:
    from aithesis.data.providers.sec import SecProvider
    from aithesis.errors import ProviderError

    archive = _zip(_sec_dir(), tmp_path / "companyfacts.zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ProviderError, match="not a readable zip") as info:
        SecProvider(files=cut)
    assert info.value.file == str(cut)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "CIK0000789019.json").write_text("<html>rate limited</html>")
    with pytest.raises(ProviderError, match="not JSON") as info:
        SecProvider(files=folder).fundamentals("MSFT")
    assert info.value.file == str(folder / "CIK0000789019.json") and "\n" not in str(info.value)
    with pytest.raises(ProviderError, match="no companyfacts file for CIK 0001045810"):
        SecProvider(files=folder).fundamentals("NVDA")
