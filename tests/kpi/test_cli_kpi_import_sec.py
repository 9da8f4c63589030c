"""``aithesis kpi import-sec PATH``: a folder of recorded companyfacts payloads and the same
files as ``companyfacts.zip`` give identical stores; a bad file is a one-line error naming
it, exit 1, and the store is left exactly as it was."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from aithesis.cli.kpi import app as kpi_app
from aithesis.cli.main import _AithesisGroup
from aithesis.config import package_sample_dir
from aithesis.data.store import Store

runner = CliRunner()
PPE = "PaymentsToAcquirePropertyPlantAndEquipment"
SHARED_SEC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sec"


def root() -> typer.Typer:
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    app.add_typer(kpi_app, name="kpi")
    return app


def _item(start: str, end: str, val: float, filed: str, form: str) -> dict:
    return {"start": start, "end": end, "val": val, "filed": filed, "form": form, "accn": filed}


def _payload(cik: int, name: str, usd: list[dict]) -> dict:
    return {"cik": cik, "entityName": name, "facts": {"us-gaap": {PPE: {"units": {"USD": usd}}}}}


# Microsoft FY2024 (July-June): 10-Q year-to-date figures and the 10-K year, in $M
MSFT_FY2024 = [
    _item("2023-07-01", "2023-09-30", 9_917e6, "2023-10-24", "10-Q"),
    _item("2023-07-01", "2023-12-31", 19_619e6, "2024-01-30", "10-Q"),
    _item("2023-07-01", "2024-03-31", 30_587e6, "2024-04-25", "10-Q"),
    _item("2023-07-01", "2024-06-30", 44_477e6, "2024-07-30", "10-K"),
]


def _zip(files: list[Path], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
    return target


def _stored(path: Path) -> pd.DataFrame:
    frame = Store(path, read_only=True).fundamentals(latest_only=False)
    keys = ["ticker", "metric", "fiscal_period", "kind", "as_of", "value"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _run(*args: str) -> object:
    return runner.invoke(root(), ["kpi", "import-sec", *args])


def _error_line(result: object) -> str:
    lines = [x for x in result.output.splitlines() if x.startswith("error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(SHARED_SEC, marks=pytest.mark.shared_data, id="shared"),
        pytest.param(package_sample_dir() / "sec", id="package-sample"),
    ],
)
def test_folder_and_zip_give_identical_stores(tmp_path: Path, folder: Path) -> None:
    files = sorted(folder.glob("CIK*.json"))
    assert len(files) == 4
    archive = _zip(files, tmp_path / "companyfacts.zip")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    first = _run(str(folder), "--store", str(a))
    second = _run(str(archive), "--store", str(b))
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    left, right = _stored(a), _stored(b)
    assert len(left) > 300
    pd.testing.assert_frame_equal(left, right)
    assert set(left["ticker"]) == {"AAPL", "GOOGL", "MSFT", "NVDA"}
    # published annual totals (SOURCES.md): Microsoft FY2023-FY2025, Apple FY2024, in USD
    latest = Store(a, read_only=True).fundamentals(metric="capex")
    annual = latest.set_index(["ticker", "fiscal_period"])["value"]
    assert annual["MSFT", "FY2023"] == 28_107e6
    assert annual["MSFT", "FY2024"] == 44_477e6
    assert annual["MSFT", "FY2025"] == 64_551e6
    assert annual["AAPL", "FY2024"] == 9_447e6
    assert "warning" in first.output  # the provider's gap warnings are shown, as in a pull


def test_import_matches_the_hand_decumulated_quarters(tmp_path: Path) -> None:
    folder = tmp_path / "sec"
    folder.mkdir()
    (folder / "CIK0000789019.json").write_text(json.dumps(_payload(789019, "MSFT", MSFT_FY2024)))
    result = _run(str(folder), "--store", str(tmp_path / "s.duckdb"))
    assert result.exit_code == 0, result.output
    assert "MSFT: " in result.output
    got = Store(tmp_path / "s.duckdb").fundamentals(ticker="MSFT", metric="capex")
    values = got.set_index("fiscal_period")["value"].to_dict()
    assert values == {
        "FY2024Q1": 9_917e6,
        "FY2024Q2": 19_619e6 - 9_917e6,
        "FY2024Q3": 30_587e6 - 19_619e6,
        "FY2024Q4": 44_477e6 - 30_587e6,
        "FY2024": 44_477e6,
    }
    assert set(got["entity"]) == {"microsoft"}


def test_ticker_map_beside_the_files_names_unknown_ciks(tmp_path: Path) -> None:
    folder = tmp_path / "sec"
    folder.mkdir()
    (folder / "CIK0000000042.json").write_text(json.dumps(_payload(42, "Acme", MSFT_FY2024)))
    (folder / "company_tickers.json").write_text(
        json.dumps({"0": {"cik_str": 42, "ticker": "acme", "title": "Acme"}})
    )
    result = _run(str(folder), "--store", str(tmp_path / "s.duckdb"))
    assert result.exit_code == 0, result.output
    got = Store(tmp_path / "s.duckdb").fundamentals(metric="capex")
    assert set(got["ticker"]) == {"ACME"} and len(got) == 5


def _seeded(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    """A folder with one good payload, and a store already holding its facts."""
    folder = tmp_path / "sec"
    folder.mkdir()
    (folder / "CIK0000789019.json").write_text(json.dumps(_payload(789019, "MSFT", MSFT_FY2024)))
    store = tmp_path / "s.duckdb"
    assert _run(str(folder), "--store", str(store)).exit_code == 0
    return folder, store, _stored(store)


def test_payload_that_is_not_json_stores_nothing(tmp_path: Path) -> None:
    folder, store, before = _seeded(tmp_path)
    # a valid new payload first (AAPL sorts before MSFT), then a broken one
    (folder / "CIK0000320193.json").write_text(
        json.dumps(_payload(320193, "Apple", MSFT_FY2024)), encoding="utf-8"
    )
    (folder / "CIK0001652044.json").write_text('{"facts": {"us-gaap": ', encoding="utf-8")
    result = _run(str(folder), "--store", str(store))
    assert result.exit_code == 1
    line = _error_line(result)
    assert str(folder / "CIK0001652044.json") in line and "not JSON" in line
    pd.testing.assert_frame_equal(_stored(store), before)  # AAPL not written either


def test_cik_in_no_ticker_map_stores_nothing(tmp_path: Path) -> None:
    folder, store, before = _seeded(tmp_path)
    (folder / "CIK0000000042.json").write_text(json.dumps(_payload(42, "Acme", MSFT_FY2024)))
    result = _run(str(folder), "--store", str(store))
    assert result.exit_code == 1
    line = _error_line(result)
    assert str(folder / "CIK0000000042.json") in line and "CIK 0000000042" in line
    pd.testing.assert_frame_equal(_stored(store), before)


def test_truncated_zip_stores_nothing(tmp_path: Path) -> None:
    folder, store, before = _seeded(tmp_path)
    archive = _zip(sorted(folder.glob("CIK*.json")), tmp_path / "companyfacts.zip")
    body = archive.read_bytes()
    archive.write_bytes(body[: len(body) // 2])
    result = _run(str(archive), "--store", str(store))
    assert result.exit_code == 1
    line = _error_line(result)
    assert str(archive) in line and "zip" in line
    pd.testing.assert_frame_equal(_stored(store), before)


def test_damaged_member_names_archive_and_member(tmp_path: Path) -> None:
    folder, store, before = _seeded(tmp_path)
    archive = tmp_path / "companyfacts.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.write(folder / "CIK0000789019.json", "CIK0000789019.json")
    body = bytearray(archive.read_bytes())
    body[60] ^= 0xFF  # flip a byte inside the stored member: its CRC no longer matches
    archive.write_bytes(bytes(body))
    result = _run(str(archive), "--store", str(store))
    assert result.exit_code == 1
    line = _error_line(result)
    assert f"{archive}:CIK0000789019.json" in line
    pd.testing.assert_frame_equal(_stored(store), before)


def test_folder_without_payloads_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _run(str(tmp_path / "empty"), "--store", str(tmp_path / "s.duckdb"))
    assert result.exit_code == 1
    assert "no CIK##########.json payload" in _error_line(result)
