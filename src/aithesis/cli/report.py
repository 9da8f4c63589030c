"""``aithesis report [DIR] --lang en,zh``: build a project and write its HTML reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aithesis.cli._common import console

__all__ = ["parse_languages", "report"]


def parse_languages(value: str | None, default: list[str]) -> list[str]:
    """The report languages from ``--lang`` (comma-separated), or the project's default.

    Raises:
        AithesisError: an unknown language code or an empty list (naming ``--lang``).
    """
    from aithesis.errors import AithesisError
    from aithesis.report.i18n import LANGUAGES, check_language

    if value is None:
        return list(default)
    codes = [part.strip() for part in value.split(",") if part.strip()]
    if not codes:
        raise AithesisError(
            "no report language given", field="--lang", hint="use " + ",".join(LANGUAGES)
        )
    out = []
    for code in codes:
        try:
            out.append(check_language(code))
        except AithesisError as exc:
            raise AithesisError(exc.message, field="--lang", hint=exc.hint) from None
    return list(dict.fromkeys(out))


def report(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Project folder (default: current folder).", show_default=False),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Report languages, comma-separated (en, zh) (default: the project's languages).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build the project (cached) and write out/report.<lang>.html for each language."""
    from aithesis.cli.project import progress_bars
    from aithesis.project import build_project, load_project
    from aithesis.report import write_reports

    project = load_project(folder)
    languages = parse_languages(lang, project.config.languages)
    progress, update = progress_bars()
    with progress:
        outcome = build_project(project.root, progress=update)
        update("report", 0, len(languages))
        paths = write_reports(outcome.results, outcome.project.out_dir, languages)
        update("report", len(languages), len(languages))
    if outcome.cached:
        console.print("inputs unchanged since the last build: results read from the cache")
    for path in paths:
        console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
