"""IndexResult.save: the CSVs, metrics.json and index.xlsx, all or nothing; `index build
--out` errors are one line, exit 1; base_value is bounded so no level overflows or underflows."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.errors import AithesisError, DataError, SpecError
from aithesis.index import (
    Methodology,
    UniverseSpec,
    build_benchmark,
    build_index,
    methodology_from_dict,
)
from aithesis.index import output as out_mod
from aithesis.index.result import OUTPUT_FILES

runner = CliRunner()


@pytest.fixture(scope="module")
def result(sample_store):
    m = Methodology(
        name="save test",
        base_date="2024-01-02",
        universe=UniverseSpec(tickers=["NVDA", "MSFT", "NEE"]),
        costs_bps=5,
    )
    return build_index(m, sample_store, end="2024-12-31")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def test_save_writes_the_output_files_with_the_results_numbers(tmp_path, result, sample_store):
    bench = build_benchmark("SPY", sample_store, start="2024-01-02", end="2024-12-31")
    folder = result.save(tmp_path / "a" / "b", benchmark=bench)
    assert sorted(p.name for p in folder.iterdir()) == sorted(OUTPUT_FILES)
    levels = pd.read_csv(folder / "levels.csv", index_col="date")["level"]
    np.testing.assert_allclose(levels.to_numpy(), result.level_values, rtol=1e-15)
    weights = pd.read_csv(folder / "weights.csv", index_col="date")
    np.testing.assert_allclose(weights.to_numpy(), result.weight_values, rtol=1e-15)
    contrib = pd.read_csv(folder / "contributions.csv")
    for by in ("stock", "theme"):  # each view (with costs) adds up to the total return
        part = contrib[contrib["by"] == by]["contribution"].sum()
        assert part == pytest.approx(result.total_return, rel=1e-12)
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["total_return"] == pytest.approx(result.level_values[-1] / 1000 - 1, rel=1e-12)
    assert metrics["beta"] == pytest.approx(result.metrics(benchmark=bench)["beta"], rel=1e-12)
    assert not list(tmp_path.glob("a/.*"))  # no temporary folder left


def test_save_into_an_existing_folder_replaces_only_its_files(tmp_path, result):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "levels.csv").write_text("old")
    result.save(folder)
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "levels.csv").read_text().startswith("date,level")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*OUTPUT_FILES, "notes.txt"])


def _fail_on_third_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real = out_mod._write_all
    calls = {"n": 0}

    def flaky(folder: Path, files: dict[str, bytes]) -> None:
        for name, payload in files.items():
            calls["n"] += 1
            if calls["n"] == 3:
                (folder / name).write_bytes(payload[:10])  # half a file, then the disk fills
                raise OSError(28, "No space left on device")
            real(folder, {name: payload})

    monkeypatch.setattr(out_mod, "_write_all", flaky)


def test_a_failed_write_leaves_nothing_not_even_the_parents(tmp_path, result, monkeypatch):
    _fail_on_third_write(monkeypatch)
    with pytest.raises(AithesisError) as info:
        result.save(tmp_path / "new" / "deeper" / "out")
    assert "No space left on device" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_output_intact(tmp_path, result, monkeypatch):
    folder = tmp_path / "out"
    result.save(folder)
    before = _tree(folder)
    _fail_on_third_write(monkeypatch)
    with pytest.raises(AithesisError):
        dataclasses.replace(result, level_values=result.level_values * 2).save(folder)
    assert _tree(folder) == before


def test_a_failed_rename_puts_the_replaced_files_back(tmp_path, result, monkeypatch):
    folder = tmp_path / "out"
    result.save(folder)
    before = _tree(folder)
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 4:  # old levels/weights moved aside, new levels in: then fail
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(out_mod.os, "replace", flaky)
    with pytest.raises(AithesisError, match="Input/output error"):
        dataclasses.replace(result, level_values=result.level_values * 2).save(folder)
    monkeypatch.setattr(out_mod.os, "replace", real)
    assert _tree(folder) == before


def test_levels_that_are_not_finite_are_refused_before_writing(tmp_path, result):
    with np.errstate(over="ignore"):
        broken = dataclasses.replace(result, level_values=result.level_values * 1e308)
    with pytest.raises(DataError) as info:
        broken.save(tmp_path / "out")
    assert info.value.field == "base_value"
    assert list(tmp_path.iterdir()) == []


# ---- the CLI ----------------------------------------------------------------------


def _build(tmp_path: Path, store, *args: str):
    return runner.invoke(
        app,
        ["index", "build", *args, "--store", str(store.path), "--end", "2024-06-28"],
    )


def _one_error_line(result, *needles: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output + result.stderr


def test_out_pointing_at_a_file_is_a_one_line_error(tmp_path, sample_store):
    target = tmp_path / "levels.csv"
    target.write_text("keep me")
    done = _build(tmp_path, sample_store, "ai-infra", "--out", str(target))
    _one_error_line(done, str(target), "'--out'", "is a file")
    assert target.read_text() == "keep me"


def test_out_under_a_file_is_a_one_line_error(tmp_path, sample_store):
    (tmp_path / "plain").write_text("x")
    target = tmp_path / "plain" / "sub" / "out"
    done = _build(tmp_path, sample_store, "ai-infra", "--out", str(target))
    _one_error_line(done, "'--out'", "plain is a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]


def test_out_in_a_read_only_folder_is_a_one_line_error(tmp_path, sample_store, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() == 0:  # root ignores the mode bits: refuse as the kernel would
        real = out_mod.tempfile.mkdtemp

        def denied(*args, **kwargs):
            if Path(kwargs.get("dir", "")).resolve() == locked.resolve():
                raise PermissionError(13, "Permission denied")
            return real(*args, **kwargs)

        monkeypatch.setattr(out_mod.tempfile, "mkdtemp", denied)
    try:
        done = _build(tmp_path, sample_store, "ai-infra", "--out", str(locked / "out"))
        _one_error_line(done, "'--out'", "Permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("value", ["1e308", ".inf", "1e-320", "-.inf", ".nan", "0"])
def test_base_value_out_of_range_is_refused_and_writes_nothing(tmp_path, sample_store, value):
    spec = tmp_path / "ix.yaml"
    spec.write_text(
        "name: big\nbase_date: 2024-01-02\n"
        f"base_value: {value}\nuniverse:\n  tickers: [NVDA, MSFT]\n",
        encoding="utf-8",
    )
    target = tmp_path / "out"
    done = _build(tmp_path, sample_store, str(spec), "--out", str(target))
    _one_error_line(done, "ix.yaml:3", "'base_value'", "1e-06 to 1e+12")
    assert not target.exists()


def test_base_value_at_the_bounds_builds_the_same_returns(sample_store):
    # levels scale with base_value; returns must not change at either end of the range
    m = Methodology(
        name="b", base_date="2024-01-02", universe=UniverseSpec(tickers=["NVDA", "MSFT"])
    )
    ref = build_index(m, sample_store, end="2024-06-28")
    for bound in (1e-6, 1e12):
        other = build_index(
            m.model_copy(update={"base_value": bound}), sample_store, end="2024-06-28"
        )
        assert other.total_return == pytest.approx(ref.total_return, rel=1e-12)
    data = m.model_dump() | {"base_value": 2e12}
    with pytest.raises(SpecError, match="base_value"):
        methodology_from_dict(data)


def test_rich_markup_in_an_index_name_is_printed_as_text(tmp_path, sample_store):
    spec = tmp_path / "ix.yaml"
    spec.write_text(
        'name: "odd [/x] [bold]name"\nbase_date: 2024-01-02\nuniverse:\n  tickers: [NVDA, MSFT]\n',
        encoding="utf-8",
    )
    built = _build(tmp_path, sample_store, str(spec), "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output + built.stderr
    assert "odd [/x] [bold]name" in " ".join(built.output.split())
    compared = runner.invoke(
        app,
        ["index", "compare", str(spec), "--benchmark", "SPY", "--start", "2024-01-02",
         "--end", "2024-06-28", "--store", str(sample_store.path)],
        terminal_width=200,
    )  # fmt: skip
    assert compared.exit_code == 0, compared.output + compared.stderr
    assert "odd [/x] [bold]name" in compared.output
