"""Coverage is not silent: a constituent whose data end before the index's last date is
named (ticker and last date) in the CLI, the build warnings and the report's coverage
table; ``on_data_end: error`` refuses the build with the ticker and date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.config import package_sample_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import DataError
from aithesis.index.api import build_index, load_methodology
from aithesis.index.coverage import coverage_table, data_ends
from aithesis.index.methodology import methodology_from_dict

runner = CliRunner()
CUT = "2025-12-31"  # NEE's data end here in the test folder
END = "2026-05-29"  # the US names' last date in the sample


def test_coverage_table_by_hand() -> None:
    dates = np.array(
        ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"], dtype="datetime64[D]"
    )
    nan = np.nan
    prices = np.array(
        [[1.0, nan, 5.0, nan], [1.1, 2.0, nan, nan], [1.2, 2.1, 5.2, nan], [1.3, nan, nan, nan]]
    )
    table = coverage_table(dates, ["A", "LATE", "HOLES", "NONE"], prices)
    assert table.to_dict(orient="list") == {
        "ticker": ["A", "LATE", "HOLES", "NONE"],
        "first": ["2024-01-02", "2024-01-03", "2024-01-02", None],
        "last": ["2024-01-05", "2024-01-04", "2024-01-04", None],
        "days": [4, 2, 2, 0],
        "days_missing": [0, 2, 2, 4],
        "ends_early": [False, True, True, False],
    }
    assert [(e.ticker, e.last, e.end) for e in data_ends(dates, list(table["ticker"]), prices)] == [
        ("LATE", "2024-01-04", "2024-01-05"),
        ("HOLES", "2024-01-04", "2024-01-05"),
    ]


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package sample with NEE's prices cut after 2025-12-31."""
    folder = tmp_path_factory.mktemp("cut") / "data"
    shutil.copytree(package_sample_dir(), folder)
    path = folder / "prices" / "NEE.parquet"
    table = pq.read_table(path)
    keep = [d <= dt.date.fromisoformat(CUT) for d in table["date"].to_pylist()]
    pq.write_table(table.filter(pa.array(keep)), path)
    return folder


@pytest.fixture(scope="module")
def cut_store(cut_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cut-store") / "store.duckdb"
    store = Store(path)
    import_dir(store, cut_folder)
    store.close()
    return path


def test_the_engine_sells_the_name_and_says_so(cut_store: Path) -> None:
    with Store(cut_store, read_only=True) as store:
        result = build_index("ai-infra", store, start="2022-11-30", end=END)
    table = result.coverage().set_index("ticker")
    nee = table.loc["NEE"]
    assert nee["last"] == CUT and bool(nee["ends_early"])
    after = int((result.dates > np.datetime64(CUT)).sum())  # index dates after NEE's end
    assert after > 90 and nee["days_missing"] == after
    assert str(result.dates[-1]) == END
    assert not table.drop(index="NEE")["ends_early"].any()
    j = result.tickers.index("NEE")
    last_row = int(np.searchsorted(result.dates, np.datetime64(CUT)))
    assert result.weight_values[last_row - 1, j] > 0  # held up to its last close
    assert (result.weight_values[last_row + 1 :, j] == 0).all()  # then sold
    np.testing.assert_allclose(result.weight_values[last_row + 1 :].sum(axis=1), 1.0, rtol=1e-12)
    [warning] = [w for w in result.warnings if w.startswith("NEE:")]
    assert f"data end on {CUT}, before the index's last date {END}" in warning


def test_on_data_end_error_refuses_with_ticker_and_date(cut_store: Path) -> None:
    data = load_methodology("ai-infra").model_dump(mode="json")
    strict = methodology_from_dict({**data, "on_data_end": "error"}, file="strict.yaml")
    with Store(cut_store, read_only=True) as store:
        with pytest.raises(DataError) as info:
            build_index(strict, store, start="2022-11-30", end=END)
        assert str(info.value).startswith(
            f"strict.yaml: 'on_data_end': NEE: data end on {CUT}, before the index's last "
            f"date {END}"
        )
        # ending the index on NEE's last date is full data: accepted
        assert str(build_index(strict, store, start="2022-11-30", end=CUT).dates[-1]) == CUT


def test_unknown_on_data_end_is_a_spec_error() -> None:
    from aithesis.errors import SpecError

    data = load_methodology("ai-infra").model_dump(mode="json")
    with pytest.raises(SpecError, match="on_data_end"):
        methodology_from_dict({**data, "on_data_end": "keep"})


def test_cli_index_build_warns_and_error_mode_exits_1(cut_store: Path, tmp_path: Path) -> None:
    args = ["index", "build", "ai-infra", "--store", str(cut_store), "--end", END]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("warning: NEE:")]
    assert f"data end on {CUT}, before the index's last date {END}; sold at its last close" in line
    strict = tmp_path / "strict.yaml"
    data = load_methodology("ai-infra").model_dump(mode="json")
    strict.write_text(yaml.safe_dump({**data, "on_data_end": "error"}), encoding="utf-8")
    args[2] = str(strict)
    refused = runner.invoke(app, [*args, "--out", str(tmp_path / "out2")])
    assert refused.exit_code == 1
    [error] = [x for x in refused.output.splitlines() if x.startswith("error:")]
    assert f"NEE: data end on {CUT}, before the index's last date {END}" in error
    assert "Traceback" not in refused.output
    assert not (tmp_path / "out2").exists()


def test_project_build_warns_and_the_report_shows_the_coverage_table(
    cut_folder: Path, tmp_path: Path
) -> None:
    from aithesis.project import init_project
    from aithesis.report.render import write_reports

    root = init_project(tmp_path / "proj")
    config = yaml.safe_load((root / "aithesis.yaml").read_text(encoding="utf-8"))
    config.update(
        indexes=["indexes/ai-infra.yaml"], models=[], exposure_test=None, kpi={}, languages=["en"]
    )
    (root / "aithesis.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    built = runner.invoke(app, ["build", str(root), "--sample-data", str(cut_folder)])
    assert built.exit_code == 0, built.output
    expected = (
        f"warning: AI infrastructure basket (article 004): NEE: data end on {CUT}, before the "
        f"index's last date {END}"
    )
    assert any(x.startswith(expected) for x in built.output.splitlines()), built.output
    from aithesis.project.build import load_cached

    results = load_cached(root)
    assert any(f"NEE: data end on {CUT}" in w for w in results.warnings)
    [path] = write_reports(results, root / "out", ["en"])
    html = path.read_text(encoding="utf-8")
    assert '<section id="coverage">' in html and "Data coverage of the constituents" in html
    section = html[html.index('<section id="coverage">') :]
    section = section[: section.index("</section>")]
    row = section[section.index("<td>NEE</td>") - 20 :]
    row = row[: row.index("</tr>")]
    assert 'class="warn"' in row and f"<td>{CUT}</td>" in row and "data end early" in row
    assert section.count("<tr") == 1 + 8  # header + the basket's eight names
    assert section.count('class="warn"') == 1  # only NEE
