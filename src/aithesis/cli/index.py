"""``aithesis index``: build a thematic index and compare indexes with benchmarks.

A thin shell over :mod:`aithesis.index`: every number printed or written comes from an
:class:`~aithesis.index.IndexResult` or :func:`~aithesis.index.compare`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aithesis import numfmt
from aithesis.analytics.catalogue import CATALOGUE
from aithesis.cli._common import (
    OutputFormat,
    StoreOption,
    console,
    err_console,
    fit_table,
    open_store,
    print_json,
)
from aithesis.errors import AithesisError, SpecError, UnknownTickerError
from aithesis.index.coverage import data_end_warning
from aithesis.index.result import OUTPUT_FILES, json_ready
from aithesis.index.schemes import SCHEMES, scheme_help

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="Build thematic indexes and compare them.")

_BY_NAME = {m.name: m for m in CATALOGUE}


def _fmt(key: str, value: Any) -> str:
    """A metric value for the terminal: percentages (signed unless the catalogue says
    the metric is a size) and ratios with two decimals, other values as text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        metric = _BY_NAME.get(key)
        if metric is not None and metric.format == "percent":
            return numfmt.percent(value, 2, signed=metric.signed)
        return numfmt.fixed(value, 2)
    return str(value)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "index"


@app.command("build")
def build(
    name_or_yaml: Annotated[str, typer.Argument(help="Built-in index name or methodology YAML.")],
    start: Annotated[str | None, typer.Option(help="Base date (overrides base_date).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date, inclusive.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder (default: out/NAME: out/agix for agix, out/mine for mine.yaml)."
        ),
    ] = None,
    benchmark: Annotated[
        str | None, typer.Option(help="Benchmark ticker for relative metrics, e.g. SPY.")
    ] = None,
    scheme: Annotated[
        str | None,
        typer.Option(help="Weighting scheme overriding weighting.scheme: " + scheme_help() + "."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Build an index and write its tables to the output folder.

    The tables are levels.csv, weights.csv, contributions.csv, metrics.json and
    index.xlsx (the same tables as an Excel workbook)."""
    from aithesis.index import build_benchmark, build_index, load_methodology

    methodology = load_methodology(name_or_yaml)
    if scheme is not None:
        methodology = _with_scheme(methodology, scheme)
    with open_store(store, read_only=True) as db:
        result = build_index(methodology, db, start=start, end=end)
        reference = (
            build_benchmark(benchmark, db, start=str(result.dates[0]), end=end)
            if benchmark
            else None
        )
    folder = out if out is not None else Path("out") / _slug(Path(name_or_yaml).stem)
    try:
        result.save(folder, benchmark=reference)
    except AithesisError as exc:
        field = "--out" if exc.file == str(folder.expanduser()) else exc.field
        raise type(exc)(exc.message, file=exc.file, field=field, hint=exc.hint) from None
    _summary(result, result.metrics(benchmark=reference), folder)


def _with_scheme(methodology: Any, scheme: str) -> Any:
    """The methodology with ``weighting.scheme`` replaced (validated again)."""
    from aithesis.index import methodology_from_dict

    if scheme not in SCHEMES:
        raise SpecError(
            f"unknown weighting scheme {scheme!r}",
            field="--scheme",
            hint="use one of: " + ", ".join(SCHEMES),
        )
    data = methodology.model_dump()
    data["weighting"]["scheme"] = scheme
    return methodology_from_dict(data, file=methodology.file)


@app.command("schemes")
def schemes_cmd() -> None:
    """List the weighting schemes a methodology's weighting.scheme may name."""
    rows = [
        [e.name, e.label("en"), e.label("zh"), ", ".join(sorted(e.needs)) or "-", e.summary]
        for e in SCHEMES.values()
    ]
    fit_table(
        ["scheme", "label", "中文", "needs", "rule"],
        rows,
        title="weighting schemes (weighting.scheme)",
        prose=["label", "中文", "rule"],
    )


def _summary(result: Any, metrics: dict[str, Any], folder: Path) -> None:
    title = escape(
        f"{result.name}: {metrics['start']} to {metrics['end']} "
        f"({result.currency}, {result.return_type} return)"
    )
    table = Table(title=title, show_header=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("final level", f"{result.level_values[-1]:,.2f}")
    for key, value in metrics.items():
        if key not in ("start", "end"):
            table.add_row(key, _fmt(key, value))
    console.print(table)
    themes = Table(title="contribution to return by theme")
    themes.add_column("theme")
    themes.add_column("contribution", justify="right")
    for theme, value in result.contributions(by="theme").items():
        themes.add_row(escape(str(theme)), numfmt.percent(value, 2, signed=True))
    console.print(themes)
    ended = {data_end_warning(e) for e in result.data_ends()}
    for note in result.warnings:
        if note in ended:  # a constituent sold when its data ended: a warning, on stderr
            err_console.print(f"warning: {note}", markup=False, highlight=False, soft_wrap=True)
        else:
            console.print(f"[yellow]note:[/yellow] {escape(note)}")
    console.print(escape(f"wrote {', '.join(OUTPUT_FILES)} to {folder}"))


@app.command("compare")
def compare_cmd(
    names: Annotated[
        list[str],
        typer.Argument(
            help="Indexes (built-in names or YAML files); tickers given after "
            "--benchmark are benchmarks too (compare agix ai-infra --benchmark SPY QQQ)."
        ),
    ],
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", "-b", help="Benchmark tickers (default: SPY QQQ)."),
    ] = None,
    start: Annotated[str, typer.Option(help="Common base date.")] = "2022-11-30",
    end: Annotated[str | None, typer.Option(help="Last date, inclusive.")] = None,
    rf: Annotated[float, typer.Option(help="Annual risk-free rate (decimal).")] = 0.0,
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
    store: StoreOption = None,
) -> None:
    """Metrics of indexes and benchmarks side by side since a common base date."""
    from aithesis.index import compare, list_builtin_indexes

    builtins = set(list_builtin_indexes())
    indexes = [
        n for n in names if n in builtins or Path(n).exists() or n.endswith((".yaml", ".yml"))
    ]
    extra = [n for n in names if n not in indexes]
    benchmarks = [b for item in (benchmark or []) for b in item.split(",") if b]
    if benchmark:
        benchmarks += extra
    else:
        indexes += extra  # unknown names: let the API say what is wrong with them
        benchmarks = ["SPY", "QQQ"]
    with open_store(store, read_only=True) as db:
        _check_benchmarks(db, benchmarks)
        frame = compare(indexes, db, benchmarks, start=start, end=end, rf=rf)
    if format is OutputFormat.json:
        print_json({name: json_ready(col) for name, col in frame.to_dict().items()})
        return
    if format is OutputFormat.csv:
        console.print(frame.to_csv(), end="", markup=False, highlight=False)
        return
    title = f"since {start}; relative metrics vs {benchmarks[0]}"
    cells = {
        str(column): [_fmt(str(key), v) for key, v in frame[column].items()]
        for column in frame.columns
    }
    keys = [str(key) for key in frame.index]
    for part, group in enumerate(_fit_columns(keys, cells, console.width)):
        table = Table(title=escape(title if part == 0 else f"{title} (continued)"))
        table.add_column("metric", no_wrap=True)
        for column in group:
            table.add_column(escape(column), justify="right", overflow="fold")
        for i, key in enumerate(keys):
            table.add_row(escape(key), *(cells[c][i] for c in group))
        console.print(table)


def _check_benchmarks(db: Any, benchmarks: list[str]) -> None:
    """A benchmark ticker the store has no prices for is an error naming --benchmark."""
    import difflib

    stored = set(db.tickers())
    for ticker in benchmarks:
        if ticker not in stored:
            close = difflib.get_close_matches(ticker, sorted(stored), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise UnknownTickerError(
                f"no prices stored for benchmark {ticker}",
                field="--benchmark",
                hint=hint + "import or pull it first (aithesis data import / data pull)",
            )


def _fit_columns(keys: list[str], cells: dict[str, list[str]], width: int) -> list[list[str]]:
    """Split value columns into groups whose table fits ``width`` (each group repeats the
    metric column), so no cell is cut; a header may wrap at its spaces."""
    used = max((len(k) for k in keys), default=6) + 4
    groups: list[list[str]] = [[]]
    for column, values in cells.items():
        longest_word = max((len(w) for w in column.split()), default=1)
        need = max([longest_word, *(len(v) for v in values)]) + 3
        if groups[-1] and used + need > width:
            groups.append([])
            used = max((len(k) for k in keys), default=6) + 4
        groups[-1].append(column)
        used += need
    return groups
