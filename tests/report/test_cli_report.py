"""``aithesis report``: languages from the project or --lang, reports in <project>/out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aithesis.cli.report import parse_languages, report
from aithesis.errors import AithesisError, SpecError


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report)
    app.command("other")(lambda: None)  # two commands: 'report' stays a subcommand
    return app


def test_languages_default_to_the_project_and_follow_the_option() -> None:
    assert parse_languages(None, ["en", "zh"]) == ["en", "zh"]
    assert parse_languages(None, ["zh"]) == ["zh"]
    assert parse_languages("zh", ["en", "zh"]) == ["zh"]
    assert parse_languages(" EN , zh,en", ["en"]) == ["en", "zh"]


@pytest.mark.parametrize("value", ["fr", "en,de", " , "])
def test_unknown_or_empty_language_is_an_error_naming_the_option(value: str) -> None:
    with pytest.raises(AithesisError) as info:
        parse_languages(value, ["en", "zh"])
    assert info.value.field == "--lang"
    assert "en" in str(info.value) and "zh" in str(info.value)


def test_report_command_writes_the_chosen_language_into_out(built, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built.project.root, root, ignore=shutil.ignore_patterns("out"))
    result = CliRunner().invoke(_app(), ["report", str(root), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    written = root / "out" / "report.zh.html"
    assert written.is_file()
    assert not (root / "out" / "report.en.html").exists()
    assert str(written) in result.output.replace("\n", "")
    assert "<h2" in written.read_text(encoding="utf-8")


def test_report_command_rejects_an_unknown_language_and_writes_nothing(
    built, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built.project.root, root, ignore=shutil.ignore_patterns("out"))
    result = CliRunner().invoke(_app(), ["report", str(root), "--lang", "en,fr"])
    assert result.exit_code != 0
    assert isinstance(result.exception, AithesisError)
    assert result.exception.field == "--lang"
    assert "'fr'" in str(result.exception)
    assert not (root / "out").exists()


def test_a_failed_build_keeps_the_previous_reports(built, reports, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built.project.root, root)
    before = {p.name: p.read_bytes() for p in (root / "out").iterdir()}
    assert sorted(before) == ["report.en.html", "report.zh.html"]
    model = root / "models" / "gpu-returns.yaml"
    model.write_text("name: gpu-returns\ndrivers: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["report", str(root)])
    assert result.exit_code != 0
    assert isinstance(result.exception, SpecError)
    assert "gpu-returns.yaml" in str(result.exception)
    assert {p.name: p.read_bytes() for p in (root / "out").iterdir()} == before
