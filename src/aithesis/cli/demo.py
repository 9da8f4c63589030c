"""``aithesis demo``: the whole product on the real sample data, in one command.

Creates a project from the ``agix`` template (in a new temporary folder unless ``--dir``
is given), builds it on the real sample prices, writes the English and Chinese
reports, and prints a summary: each index against QQQ since 2022-11-30, NVIDIA's
P(market cap >= $5T), the claims the checker flagged, the latest capex QoQ/YoY, and the
report paths.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from aithesis import numfmt
from aithesis.cli._common import SampleDataOption, coloured_pct, console

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.project.summary import BuildSummary

__all__ = ["demo"]


def _print_summary(summary: BuildSummary) -> None:
    table = Table(
        title=f"Indexes vs benchmarks, total return since {summary.start} (ChatGPT's release)"
    )
    for column in ("", "total return", "annualised", "max drawdown", "to"):
        table.add_column(column, justify="left" if not column else "right")
    for name, row in summary.indexes.items():
        table.add_row(
            name,
            coloured_pct(row.total_return),
            coloured_pct(row.annualised_return),
            coloured_pct(row.max_drawdown),
            row.end,
        )
    for ticker, bench in summary.benchmarks.items():
        table.add_row(ticker, coloured_pct(bench.total_return), "", "", bench.end)
    if summary.benchmarks:
        first = next(iter(summary.benchmarks))
        table.caption = (
            "benchmarks: total return only; their annualised figures: "
            f"aithesis index compare agix -b {first}"
        )
    console.print(table)
    for model, target in summary.targets.items():
        console.print(
            f"[bold]{model}[/]: P({_target(target.target, target.unit)}) = "
            f"{numfmt.percent(target.probability)} over {target.draws:,} Monte Carlo draws"
        )
    flagged = summary.flagged
    console.print(
        f"[bold]claims[/]: {summary.claims_total} checked, [red]{len(flagged)} flagged[/]:"
    )
    # one bullet per claim; a long one wraps under its own text, not under the bullet
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(no_wrap=True)
    bullets.add_column(overflow="fold")
    for claim in flagged:
        bullets.add_row(
            "  -",
            Text(
                f"{claim.model}/{claim.claim_id}: {claim.text} "
                f"(article {_short(claim.claimed, claim.unit, claim.claim_id)}, "
                f"model {_short(claim.computed, claim.unit, claim.claim_id)})"
            ),
        )
    if flagged:
        console.print(bullets)
    for key, kpi in summary.kpi_latest.items():
        console.print(
            f"[bold]{key}[/] {kpi.period}: {numfmt.quantity(kpi.value, kpi.unit, sig=5)}, "
            f"QoQ {coloured_pct(kpi.qoq)}, YoY {coloured_pct(kpi.yoy)}"
        )


def _short(value: Any, unit: str = "", name: str | None = None) -> str:
    """A claimed or computed figure with its unit, the analysts' way (``$2,250bn``,
    ``21.79%/year``, ``1.5..3.39 month``, a bare number when there is no unit)."""
    if isinstance(value, list | tuple | int | float):
        shown = tuple(value) if isinstance(value, list | tuple) else value
        return numfmt.quantity(shown, unit, name=name)
    return f"{value} {unit}".strip()


def _target(text: str, unit: str) -> str:
    """``market_cap >= 5000.0`` in ``USD_bn`` -> ``market_cap >= $5,000bn``."""
    parts = text.split()
    try:
        value = float(parts[-1])
    except (IndexError, ValueError):
        return f"{text} {unit}".strip()
    return " ".join([*parts[:-1], numfmt.quantity(value, unit, name=parts[0])])


def _next_steps(root: Path, paths: list[Path]) -> None:
    """What to do after the demo: browse, read, edit, rebuild."""
    console.print("[bold]next[/]:")
    console.print(f"  browse it:       aithesis serve {root}", markup=False)
    if paths:
        console.print(f"  read the report: {paths[0]} (open it in a browser)", markup=False)
    console.print(
        f"  edit the thesis: {root / 'aithesis.yaml'} and {root / 'models'}/*.yaml, "
        f"then rebuild: aithesis build {root}",
        markup=False,
    )


def demo(
    folder: Annotated[
        Path | None,
        typer.Option("--dir", help="Project folder to create (default: a new temp folder)."),
    ] = None,
    sample_data: SampleDataOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the project files in an existing --dir.")
    ] = False,
) -> None:
    """Build the AGIX thesis on the real sample data and write both reports."""
    import os

    from aithesis.cli.project import print_build_warnings, progress_bars
    from aithesis.config import ENV_SAMPLE_DATA, is_package_sample, sample_data_dir
    from aithesis.project import build_project, init_project
    from aithesis.report.render import write_reports

    started = time.perf_counter()
    if sample_data is not None:
        os.environ[ENV_SAMPLE_DATA] = str(sample_data_dir(sample_data))
    root = folder or Path(tempfile.mkdtemp(prefix="aithesis-demo-")) / "agix-thesis"
    init_project(root, "agix", force=force)
    data = sample_data_dir()
    where = (
        f"{data}: the package's compact sample, ../shared/data not found"
        if is_package_sample(data)
        else str(data)
    )
    console.print(f"project: {root} (from the agix template, real sample data in {where})")
    progress, update = progress_bars()
    with progress:
        outcome = build_project(root, progress=update)
        update("report", 0, len(outcome.results.languages))
        paths = write_reports(outcome.results, root / "out", outcome.results.languages)
        update("report", len(paths), len(paths))
    _print_summary(outcome.results.summary)
    print_build_warnings(outcome.results.warnings)
    for path in paths:
        console.print(f"report: {path}")
    console.print(f"done in {time.perf_counter() - started:.1f} s")
    _next_steps(root, list(paths))
