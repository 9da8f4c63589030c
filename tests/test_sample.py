"""The package's compact sample: small, labelled, a faithful cut of ../shared/data, found
when no ../shared is, and the demo's numbers on it equal those on the full data."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from aithesis import config
from aithesis.config import is_package_sample, package_sample_dir, sample_data_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store
from aithesis.errors import DataError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = package_sample_dir()
START = "2018-01-01"
LIMIT = 5_000_000  # bytes (issue 13: "at most 5 MB")


def _data_files() -> list[str]:
    return sorted(
        p.relative_to(SAMPLE).as_posix()
        for p in SAMPLE.rglob("*")
        if p.is_file() and p.name not in ("SOURCES.md", "prices_manifest.csv")
    )


def _sources_rows() -> dict[str, list[str]]:
    """SOURCES.md's table rows, keyed by their first cell (the sample's file)."""
    rows = {}
    for line in (SAMPLE / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and "/" in cells[0] and cells[0] != "file":
            rows[cells[0]] = cells
    return rows


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sample", REPO / "scripts/build_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- always: the sample is committed and ships with the package ---------------------------


def test_sample_is_at_most_5_mb() -> None:
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert 0 < size <= LIMIT, size


def test_sources_md_names_every_file_its_origin_and_rows() -> None:
    rows = _sources_rows()
    assert sorted(rows) == _data_files()
    text = (SAMPLE / "SOURCES.md").read_text(encoding="utf-8")
    assert "scripts/build_sample.py" in text
    assert re.search(r"Built \d{4}-\d{2}-\d{2}", text)
    for name, cells in rows.items():
        assert cells[1] == "../shared/data/" + name.replace(".parquet", ".csv")
        assert re.fullmatch(r"[0-9a-f]{16}", cells[2]), name
        if name.startswith("sec/"):
            continue
        kept, total = (int(x) for x in cells[3].split(" / "))
        path = SAMPLE / name
        if name.endswith(".parquet"):
            assert pq.read_metadata(path).num_rows == kept, name
        else:
            assert len(path.read_text(encoding="utf-8").splitlines()) - 1 == kept, name
        assert 0 < kept <= total, name


def test_sample_holds_every_ticker_of_the_builtin_indexes_and_benchmarks() -> None:
    import yaml

    wanted = set()
    for path in (REPO / "src/aithesis/index/builtins").glob("*.yaml"):
        wanted |= set(yaml.safe_load(path.read_text())["universe"]["tickers"])
    template = REPO / "src/aithesis/project/templates/agix/aithesis.yaml"
    wanted |= set(yaml.safe_load(template.read_text())["benchmarks"])
    have = {p.stem for p in (SAMPLE / "prices").glob("*.parquet")}
    assert wanted <= have, sorted(wanted - have)
    first = {str(pq.read_table(SAMPLE / "prices" / f"{t}.parquet")["date"][0]) for t in have}
    assert min(first) >= START


def test_sample_imports_with_the_folder_reader(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    report = import_dir(store, SAMPLE)
    manifest = pd.read_csv(SAMPLE / "prices_manifest.csv", dtype=str)
    assert sorted(store.tickers()) == sorted(manifest["ticker"].str.lstrip("^"))
    expected_rows = sum(pq.read_metadata(p).num_rows for p in (SAMPLE / "prices").glob("*"))
    assert len(store.prices()) == expected_rows
    aapl = pd.read_csv(SAMPLE / "dividends" / "AAPL.csv")
    stored = store.dividends(["AAPL"])
    assert len(stored) == len(aapl) and math.isclose(stored["amount"].sum(), aapl.dividend.sum())
    assert sorted(store.fx_pairs()) == sorted(p.stem for p in (SAMPLE / "fx").glob("*.csv"))
    assert report is not None


def test_no_shared_data_falls_back_to_the_package_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.ENV_SAMPLE_DATA, raising=False)
    monkeypatch.setattr(config, "_sample_candidates", lambda: [tmp_path / "nowhere"])
    assert sample_data_dir() == SAMPLE
    assert is_package_sample(sample_data_dir())
    assert config.shared_data_dir() is None
    with pytest.raises(DataError) as info:
        sample_data_dir(fallback=False)
    assert "nowhere" in info.value.message and "AITHESIS_SAMPLE_DATA" in str(info.value)
    full = tmp_path / "shared" / "data"
    (full / "prices").mkdir(parents=True)
    monkeypatch.setattr(config, "_sample_candidates", lambda: [full])
    assert sample_data_dir() == full.resolve() and not is_package_sample(full)
    monkeypatch.setenv(config.ENV_SAMPLE_DATA, str(SAMPLE))  # pointing at the sample itself
    assert config.shared_data_dir() is None and sample_data_dir() == SAMPLE


def test_without_the_full_data_tests_skip_saying_why_and_ci_refuses(tmp_path: Path) -> None:
    def pytest_run(test: str, ci: str) -> subprocess.CompletedProcess[str]:
        env = os.environ | {"CI": ci, config.ENV_SAMPLE_DATA: str(tmp_path / "missing")}
        args = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", test]
        return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)

    needs_full = "tests/test_sample.py::test_prices_equal_the_origin_csv_rows_from_2018"
    done = pytest_run(needs_full, "false")
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and "needs the full sample data" in done.stdout
    done = pytest_run("tests/test_sample.py::test_sample_is_at_most_5_mb", "true")
    assert done.returncode == 4, done.stdout  # pytest's usage error: nothing ran
    assert "CI=true but the full sample data is missing" in done.stderr + done.stdout


# -- with the full data: the sample is an exact, reproducible cut of it --------------------


def test_prices_equal_the_origin_csv_rows_from_2018(sample_dir: Path) -> None:
    for path in sorted((SAMPLE / "prices").glob("*.parquet")):
        origin = pd.read_csv(sample_dir / "prices" / f"{path.stem}.csv", dtype=str)
        origin = origin.loc[origin["date"].str.slice(0, 10) >= START].reset_index(drop=True)
        ours = pq.read_table(path).to_pandas()
        assert list(ours["date"].astype(str)) == list(origin["date"].str.slice(0, 10)), path
        for column in ("open", "high", "low", "close", "adj_close", "volume"):
            # Python's float() is correctly rounded: the CSV's decimal -> the nearest double
            want = np.array([float(x) if isinstance(x, str) else np.nan for x in origin[column]])
            np.testing.assert_array_equal(ours[column].to_numpy(), want, err_msg=f"{path}:{column}")


def test_dividends_fx_and_sec_are_cut_from_the_origin_files(sample_dir: Path) -> None:
    for folder in ("dividends", "fx"):
        for path in sorted((SAMPLE / folder).glob("*.csv")):
            origin = (sample_dir / folder / path.name).read_text().splitlines()
            ours = path.read_text().splitlines()
            assert ours[0] == origin[0]
            assert ours[1:] == [x for x in origin[1:] if x[:10] >= START], path
    for path in sorted((SAMPLE / "sec").glob("*.json")):
        origin = json.loads((sample_dir / "sec" / path.name).read_text())
        ours = json.loads(path.read_text())
        assert ours["cik"] == origin["cik"] and ours["entityName"] == origin["entityName"]
        for taxonomy, concepts in ours["facts"].items():
            for name, body in concepts.items():
                assert body == origin["facts"][taxonomy][name], (path, name)
        capex = origin["facts"]["us-gaap"].get("PaymentsToAcquirePropertyPlantAndEquipment")
        assert capex == ours["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]
        assert ours["facts"].get("dei") == origin["facts"].get("dei")


def test_the_script_rebuilds_the_committed_sample(sample_dir: Path, tmp_path: Path) -> None:
    built = re.search(r"Built (\S+)", (SAMPLE / "SOURCES.md").read_text()).group(1)
    out = tmp_path / "sample"
    _script().build(sample_dir, out, START, built)
    ours = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    again = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    stale = "the committed sample is out of date: run `make sample` and commit it"
    assert again == ours, stale
    for rel in ours:
        if rel.suffix == ".parquet":
            assert pq.read_table(out / rel).equals(pq.read_table(SAMPLE / rel)), (rel, stale)
        else:
            assert (out / rel).read_bytes() == (SAMPLE / rel).read_bytes(), (rel, stale)


def test_the_script_refuses_data_without_the_demo_tickers(tmp_path: Path) -> None:
    (tmp_path / "src" / "prices").mkdir(parents=True)
    (tmp_path / "src" / "prices" / "NVDA.csv").write_text("date,close\n2020-01-02,1\n")
    script = _script()
    with pytest.raises(script.BuildError, match=r"no file for .*AMZN"):
        script.build(tmp_path / "src", tmp_path / "out", START, "2026-01-01")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_demo_numbers_equal_on_the_sample_and_on_the_full_data(
    sample_dir: Path, tmp_path: Path
) -> None:
    from aithesis.project import build_project, init_project

    results = {}
    for name, data in (("full", sample_dir), ("sample", SAMPLE)):
        root = init_project(tmp_path / name)
        results[name] = build_project(root, sample_data=data).results
    full, small = results["full"], results["sample"]
    record_keys = ("records_total", "records_then", "records_since")
    a, b = full.summary.to_dict(), small.summary.to_dict()
    assert {k: v for k, v in b.items() if k not in record_keys} == {
        k: v for k, v in a.items() if k not in record_keys
    }
    # The compact sample starts in 2018: record claims about 2008-2016 prices cannot be
    # judged on it. Their models are left out with a warning; the rest judge the same.
    by_id = {(r.model, r.claim_id): r for r in full.records}
    assert 0 < len(small.records) < len(full.records)
    for r in small.records:
        twin = by_id[(r.model, r.claim_id)]
        assert (r.status_then, r.status_since) == (twin.status_then, twin.status_since)
    assert any("not judged on this store" in w for w in small.warnings)
    assert not any("not judged on this store" in w for w in full.warnings)
    for a, b in zip(full.indexes, small.indexes, strict=True):
        np.testing.assert_array_equal(a.result.dates, b.result.dates)
        np.testing.assert_array_equal(a.result.level_values, b.result.level_values)
        np.testing.assert_array_equal(a.result.weight_values, b.result.weight_values)
    for ticker, bench in full.benchmarks.items():
        np.testing.assert_array_equal(bench.level_values, small.benchmarks[ticker].level_values)
    assert full.exposure.members == small.exposure.members
    for label, index in full.exposure.indexes.items():
        np.testing.assert_array_equal(
            index.level_values, small.exposure.indexes[label].level_values
        )
    pd.testing.assert_frame_equal(full.comparison, small.comparison)
