"""``aithesis init | build | report | serve``: thesis projects from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aithesis.cli._common import console, err_console

__all__ = ["build", "init", "progress_bars"]

_LABELS = {
    "data": "load data",
    "indexes": "build indexes",
    "exposure": "exposure test",
    "models": "run models",
    "records": "judge the record",
    "kpi": "KPI analysis",
    "report": "write reports",
}

FolderArg = Annotated[
    Path | None,
    typer.Argument(help="Project folder (default: current folder).", show_default=False),
]


def progress_bars() -> tuple[Progress, Callable[[str, int, int], None]]:
    """A Rich progress display with one bar per build step, and the callback feeding it."""
    progress = Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    tasks: dict[str, int] = {}

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = progress.add_task(_LABELS.get(step, step), total=max(total, 1))
        progress.update(tasks[step], completed=done, total=max(total, 1))

    return progress, update


def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create.")],
    template: Annotated[str, typer.Option("--template", help="Project template.")] = "agix",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing project.")] = False,
) -> None:
    """Create a thesis project folder from a template."""
    from aithesis.project import init_project

    root = init_project(folder, template, force=force)
    console.print(f"created project in {root}")
    console.print("next: aithesis build " + str(folder) + " && aithesis report " + str(folder))


def print_build_warnings(lines: list[str]) -> None:
    """The build's warnings (series cut to a common end, constituents whose data end
    early), one ``warning: ...`` line each on stderr, verbatim."""
    for line in lines:
        err_console.print(f"warning: {line}", markup=False, highlight=False, soft_wrap=True)


def build(
    folder: FolderArg = None,
    force: Annotated[bool, typer.Option("--force", help="Ignore the cache.")] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="DuckDB store to use instead of the project's own (store: in aithesis.yaml, "
            "which must lie inside the project).",
        ),
    ] = None,
    sample_data: Annotated[
        Path | None,
        typer.Option(
            "--sample-data",
            help="Data folder to load instead of sample_data: in aithesis.yaml (default: "
            "env AITHESIS_SAMPLE_DATA, else ../shared/data).",
        ),
    ] = None,
) -> None:
    """Load data, build every index, run every model and KPI analysis (cached)."""
    from aithesis.project import build_project

    progress, update = progress_bars()
    with progress:
        outcome = build_project(
            folder, progress=update, force=force, store=store, sample_data=sample_data
        )
    results = outcome.results
    if outcome.cached:
        console.print(
            f"up to date: inputs unchanged since the last build (hash "
            f"{results.input_hash[:12]}), read from cache in {outcome.seconds:.2f} s"
        )
    else:
        console.print(
            f"built {len(results.indexes)} indexes, {len(results.models)} models, "
            f"{len(results.kpi.growth)} KPI series in {outcome.seconds:.2f} s"
        )
    flagged = len(results.claims.flagged)
    console.print(f"claims: {len(results.claims)} checked, {flagged} flagged")
    print_build_warnings(results.warnings)
