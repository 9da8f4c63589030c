"""``aithesis universe``: list and inspect the AI value-chain universe.

A thin shell over :func:`aithesis.universe.load_universe`; every check (unknown theme,
market or ticker, bad user YAML) happens in the library and surfaces as an
:class:`~aithesis.errors.AithesisError`, which the CLI root prints as ``error: ...``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from aithesis.cli._common import OutputFormat, console, fit_table, print_json
from aithesis.universe import Company, Universe, load_universe

__all__ = ["app", "list_companies", "show_company"]

app = typer.Typer(
    no_args_is_help=True,
    help="The AI value-chain universe: companies, themes, layers and AI exposure.",
)

UniverseFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--universe",
        "-u",
        help="Extra universe YAML adding or overriding companies (repeatable, applied in order).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: table, csv or json.")
]


def _load(files: list[Path] | None) -> Universe:
    return load_universe(*(files or []))


def _record(company: Company, universe: Universe) -> dict[str, Any]:
    record = company.model_dump(mode="json")
    origin = universe.origin(company.ticker)
    record["defined_in"] = None if origin is None else str(origin)
    return record


def _write_csv(universe: Universe) -> None:
    frame = universe.to_frame()
    for column in ("themes", "tags"):
        frame[column] = frame[column].map(";".join)
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    sys.stdout.flush()


@app.command("list")
def list_companies(
    theme: Annotated[
        list[str] | None,
        typer.Option(
            "--theme",
            "-t",
            help="Keep companies with this theme (repeatable): compute, cloud, edge, "
            "interconnect_storage, software, power_infra.",
            show_default=False,
        ),
    ] = None,
    market: Annotated[
        list[str] | None,
        typer.Option(
            "--market",
            "-m",
            help="Keep companies in this market (repeatable): US, HK, CN, TW, KR, JP, EU...",
            show_default=False,
        ),
    ] = None,
    min_exposure: Annotated[
        float | None,
        typer.Option(
            "--min-exposure",
            help="Keep companies with ai_exposure >= this fraction (0-1).",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", help="Keep the N highest ai_exposure after filtering.", show_default=False
        ),
    ] = None,
    include_unlisted: Annotated[
        bool, typer.Option("--all", help="Include unlisted companies (ByteDance, OpenAI...).")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    universe_files: UniverseFiles = None,
) -> None:
    """List companies, optionally filtered by theme, market and AI exposure."""
    universe = _load(universe_files)
    subset = universe.filter(
        themes=theme or None,
        markets=market or None,
        min_exposure=min_exposure,
        listed_only=not include_unlisted,
        top_n=top,
    )
    if fmt is OutputFormat.json:
        print_json([_record(c, subset) for c in subset])
        return
    if fmt is OutputFormat.csv:
        _write_csv(subset)
        return
    fit_table(
        ["Ticker", "Name", "中文名", "Mkt", "Themes", "Layer", "Role", "AI exp."],
        [
            [
                c.ticker,
                c.name,
                c.name_zh,
                c.market,
                ", ".join(c.themes),
                c.layer or "-",
                c.role,
                f"{c.ai_exposure:.2f}",
            ]
            for c in subset
        ],
        title=f"AI value-chain universe: {len(subset)} of {len(universe)} companies",
        caption="ai_exposure: fraction of value driven by AI demand (rubric in universe.yaml)",
        right=["AI exp."],
        prose=["Name", "中文名", "Themes"],
        prose_min=12,
    )


def _by_name(universe: Universe, text: str) -> Company | None:
    """The one company whose English or Chinese name is exactly ``text`` (case-insensitive
    for English), or None (then the ticker lookup names what is wrong)."""
    key = text.strip().casefold()
    if key.upper() in universe:
        return None
    found = [c for c in universe if key in (c.name.casefold(), (c.name_zh or "").casefold())]
    return found[0] if len(found) == 1 else None


@app.command("show")
def show_company(
    ticker: Annotated[str, typer.Argument(help="Ticker such as NVDA, 0992.HK or BYTEDANCE.")],
    fmt: FormatOption = OutputFormat.table,
    universe_files: UniverseFiles = None,
) -> None:
    """Show every field of one company (by ticker, or by its exact English or Chinese name)."""
    universe = _load(universe_files)
    company = _by_name(universe, ticker) or universe.get(ticker)
    if fmt is OutputFormat.json:
        print_json(_record(company, universe))
        return
    if fmt is OutputFormat.csv:
        _write_csv(Universe([company]))
        return
    record = _record(company, universe)
    table = Table(title=f"{company.ticker}  {company.name}  {company.name_zh}", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for field, value in record.items():
        if isinstance(value, list):
            shown = ", ".join(value) if value else "-"
        elif value is None:
            shown = "-"
        else:
            shown = str(value)
        table.add_row(field, shown)
    console.print(table)
