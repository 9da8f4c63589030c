"""``index.xlsx``: the CSVs and metrics as an Excel workbook, written all or nothing.

Read back with pandas and openpyxl, each sheet is compared with the file written beside
it (``levels.csv``, ``weights.csv``, ``contributions.csv``, ``metrics.json``) and with
``IndexResult.metrics``; the About sheet's data sources with the store's own provenance
table; a failure while rendering or writing leaves no workbook, half or whole.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from aithesis.analytics.catalogue import CATALOGUE
from aithesis.errors import AithesisError
from aithesis.index import Methodology, UniverseSpec, build_benchmark, build_index
from aithesis.index import output as out_mod
from aithesis.index import result as result_mod

TICKERS = ["NVDA", "0700.HK", "MSFT", "NEE"]  # a HK listing: converted with USDHKD


@pytest.fixture(scope="module")
def built(sample_store):
    m = Methodology(
        name="xlsx test",
        base_date="2022-01-03",
        universe=UniverseSpec(tickers=TICKERS),
        costs_bps=10,
    )
    result = build_index(m, sample_store, end="2024-12-31")
    bench = build_benchmark("SPY", sample_store, start="2022-01-03", end="2024-12-31")
    return result, bench


@pytest.fixture(scope="module")
def folder(built, tmp_path_factory) -> Path:
    result, bench = built
    return result.save(tmp_path_factory.mktemp("xlsx") / "out", benchmark=bench)


def _sheet(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(folder / "index.xlsx", sheet_name=name)


def _iso(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]


def test_the_workbook_is_written_beside_the_csvs_with_named_sheets(folder) -> None:
    assert (folder / "index.xlsx").is_file() and (folder / "levels.csv").is_file()
    wb = openpyxl.load_workbook(folder / "index.xlsx")
    assert wb.sheetnames == ["About", "Levels", "Weights", "Contributions", "Metrics"]


def test_levels_sheet_equals_levels_csv(folder) -> None:
    csv = pd.read_csv(folder / "levels.csv")
    sheet = _sheet(folder, "Levels")
    assert list(sheet.columns) == list(csv.columns) == ["date", "level"]
    assert pd.api.types.is_datetime64_any_dtype(sheet["date"])  # real dates, not text
    assert _iso(sheet["date"]) == list(csv["date"])
    np.testing.assert_allclose(sheet["level"], csv["level"], rtol=1e-12, atol=0)


def test_weights_sheet_equals_weights_csv(folder) -> None:
    csv = pd.read_csv(folder / "weights.csv")
    sheet = _sheet(folder, "Weights")
    assert list(sheet.columns) == list(csv.columns) == ["date", *TICKERS]
    assert _iso(sheet["date"]) == list(csv["date"])
    np.testing.assert_allclose(
        sheet[TICKERS].to_numpy(float), csv[TICKERS].to_numpy(float), rtol=0, atol=1e-12
    )


def test_contributions_sheet_equals_contributions_csv(folder, built) -> None:
    csv = pd.read_csv(folder / "contributions.csv", keep_default_na=False)
    sheet = _sheet(folder, "Contributions").fillna("")
    assert list(sheet.columns) == list(csv.columns) == ["by", "name", "contribution"]
    assert sheet[["by", "name"]].astype(str).values.tolist() == csv[["by", "name"]].values.tolist()
    np.testing.assert_allclose(sheet["contribution"], csv["contribution"], rtol=0, atol=1e-12)
    result, _ = built
    for by in ("stock", "theme"):  # each view, with (costs), adds up to the total return
        part = sheet.loc[sheet["by"] == by, "contribution"].sum()
        assert part == pytest.approx(result.total_return, rel=1e-12)


def _same(cell, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return cell is None
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d") == expected
    if isinstance(expected, int | float):
        return isinstance(cell, int | float) and math.isclose(cell, expected, rel_tol=1e-12)
    return cell == expected


def test_metrics_sheet_equals_metrics_json_and_the_results_metrics(folder, built) -> None:
    result, bench = built
    expected = result.metrics(benchmark=bench)
    from_json = json.loads((folder / "metrics.json").read_text())
    ws = openpyxl.load_workbook(folder / "index.xlsx")["Metrics"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(expected) == list(from_json)
    labels = {m.name: m.en for m in CATALOGUE}
    for name, label, value in rows:
        assert label == labels[name]
        assert _same(value, expected[name]), (name, value, expected[name])
        assert _same(value, from_json[name]), (name, value, from_json[name])
    assert "beta" in expected  # the benchmark's relative metrics are there too


def test_numbers_are_numbers_with_formats_and_dates_are_dates(folder) -> None:
    wb = openpyxl.load_workbook(folder / "index.xlsx")
    formats = {m.name: m.format for m in CATALOGUE}
    for title, numeric_from in (("Levels", 1), ("Weights", 1), ("Contributions", 2)):
        for row in wb[title].iter_rows(min_row=2):
            assert row[0].is_date or title == "Contributions"
            if title != "Contributions":
                assert row[0].number_format == "yyyy-mm-dd"
            for cell in row[numeric_from:]:
                # a number cell (Excel has one number type: 1000.0 reads back as int)
                assert cell.data_type == "n" and isinstance(cell.value, int | float), (
                    title,
                    cell.coordinate,
                    cell.value,
                )
                want = "#,##0.00" if title == "Levels" else "0.00%"
                assert cell.number_format == want, (title, cell.coordinate)
    for name, _, cell in wb["Metrics"].iter_rows(min_row=2):
        if cell.value is None:
            continue
        kind = formats[name.value]
        want = {"percent": "0.00%", "ratio": "0.00", "count": "0", "date": "yyyy-mm-dd"}[kind]
        assert cell.number_format == want, name.value
        assert cell.is_date == (kind == "date")
        assert not isinstance(cell.value, str), name.value


def test_about_sheet_states_units_conventions_and_the_stores_sources(
    folder, built, sample_store
) -> None:
    result, _ = built
    ws = openpyxl.load_workbook(folder / "index.xlsx")["About"]
    about = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert "simple, daily, decimal" in about["returns"]
    assert about["return basis"].startswith("total return")
    assert about["currency"].startswith("USD")
    assert about["first date (base date)"] == dt.datetime(2022, 1, 3)
    assert about["costs"].startswith("10 bps")
    assert about["total return"] == pytest.approx(result.total_return, rel=1e-12)
    info = sample_store.series_info().set_index(["kind", "name"])["source"]
    for ticker in TICKERS:  # every constituent's origin, straight from the store
        assert about[ticker] == info[("price", ticker)], ticker
    assert about["USDHKD"] == info[("fx", "USDHKD")]


def test_the_workbook_is_moved_into_place_from_the_same_folder(built, tmp_path, monkeypatch):
    result, _ = built
    folder = tmp_path / "out"
    result.save(folder)
    real = os.replace
    moves: list[tuple[Path, Path]] = []

    def spy(src, dst):
        moves.append((Path(src), Path(dst)))
        return real(src, dst)

    monkeypatch.setattr(out_mod.os, "replace", spy)
    result.save(folder)
    (src,) = [s for s, d in moves if d == folder / "index.xlsx"]
    assert src.parent.parent == folder and src.name == "index.xlsx"  # staged inside it
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _half_written_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    real = out_mod._write_all

    def flaky(folder: Path, files: dict[str, bytes]) -> None:
        for name, payload in files.items():
            if name == "index.xlsx":  # half of the workbook, then the disk fills
                (folder / name).write_bytes(payload[: len(payload) // 2])
                raise OSError(28, "No space left on device")
            real(folder, {name: payload})

    monkeypatch.setattr(out_mod, "_write_all", flaky)


def test_a_failure_mid_write_leaves_no_half_written_workbook(built, tmp_path, monkeypatch):
    result, _ = built
    _half_written_workbook(monkeypatch)
    with pytest.raises(AithesisError, match="No space left on device"):
        result.save(tmp_path / "new" / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_write_keeps_the_previous_workbook(built, tmp_path, monkeypatch):
    result, _ = built
    folder = tmp_path / "out"
    result.save(folder)
    before = _tree(folder)
    _half_written_workbook(monkeypatch)
    with pytest.raises(AithesisError):
        result.save(folder)
    assert _tree(folder) == before
    openpyxl.load_workbook(folder / "index.xlsx")  # still a whole workbook


def test_a_failure_while_rendering_the_workbook_writes_nothing(built, tmp_path, monkeypatch):
    result, _ = built
    folder = tmp_path / "out"
    result.save(folder)
    before = _tree(folder)

    def broken(*args, **kwargs):
        raise RuntimeError("openpyxl failed")

    monkeypatch.setattr(result_mod, "workbook_bytes", broken)
    with pytest.raises(RuntimeError, match="openpyxl failed"):
        result.save(folder)
    with pytest.raises(RuntimeError):
        result.save(tmp_path / "fresh")
    assert _tree(folder) == before and not (tmp_path / "fresh").exists()
