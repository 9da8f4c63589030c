"""``aithesis sweep``: parameter sweeps over index rules or model drivers, serial or on Dask.

A thin shell over :mod:`aithesis.sweep`: every number printed comes from the result of
:func:`aithesis.sweep.run_index_sweep` / :func:`aithesis.sweep.run_model_sweep`. The progress bar
is drawn on stderr, so ``--format csv`` / ``json`` output on stdout stays clean.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
)
from aithesis.cli._common import print_json as _print_json
from aithesis.errors import SpecError

__all__ = ["app"]

app = typer.Typer(
    no_args_is_help=True,
    help="Parameter sweeps over index rules or model drivers (serial or on Dask).",
)

GridOpt = Annotated[
    list[str],
    typer.Option(
        "--grid",
        "-g",
        help="NAME=v1,v2,... or NAME=start:stop:count (inclusive); repeat for more.",
    ),
]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="local, local:N (N worker processes) or tcp://host:port (default: serial).",
        show_default=False,
    ),
]
StartTimeoutOpt = Annotated[
    str | None,
    typer.Option(
        "--start-timeout",
        metavar="SECONDS",
        help="Seconds a local cluster (--cluster local, local:N) may take to start its "
        "workers (default: 60).",
        show_default=False,
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
BatchOpt = Annotated[
    int | None,
    typer.Option(
        "--batch-size", help="Points per task (default: about 32 tasks).", show_default=False
    ),
]

# from the metric catalogue: percentages, the short headers and the table's columns
_SHORT = {m.name: m.short for m in CATALOGUE if m.sweep and m.short and m.short != m.name}
_PERCENT = {m.name for m in CATALOGUE if m.format == "percent"} | {"probability"}
_PERCENT |= {_SHORT[name] for name in _SHORT if name in _PERCENT}
_INDEX_SHOWN = tuple(m.name for m in CATALOGUE if m.sweep and m.short)


def _start_timeout(text: str | None) -> float:
    """``--start-timeout`` as seconds (the default when not given); read here, not by
    Click, so a bad value is one ``error:`` line naming the option."""
    from aithesis.sweep.cluster import DEFAULT_START_TIMEOUT

    if text is None:
        return DEFAULT_START_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SpecError(
            f"must be a number of seconds > 0, got {text!r}",
            field="--start-timeout",
            hint=f"e.g. --start-timeout 120; leave it out for {DEFAULT_START_TIMEOUT:g} s",
        )
    return value


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr fed by ``progress(done, total)`` callbacks."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def _cell(column: str, value: Any, *, markup: bool = True) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        # six significant digits, grouped, never scientific (19,200,000 not 1.92e+07)
        return numfmt.percent(value, 2) if column in _PERCENT else numfmt.number(value, 6)
    return escape(str(value)) if markup else str(value)


def _print_frame(frame: pd.DataFrame, title: str, caption: str | None = None) -> None:
    """The frame as a table that fits the terminal (:func:`fit_table`: parameters and
    figures whole, never cut with an ellipsis)."""
    columns = [str(c) for c in frame.columns]
    rows = [
        [_cell(c, v, markup=False) for c, v in zip(frame.columns, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    right = [str(c) for c in frame.columns if frame[c].dtype.kind in "fiu"]
    fit_table(columns, rows, title=title, caption=caption, right=right, prose=())


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records"))


def _warn(lines: tuple[str, ...] | list[str]) -> None:
    for line in lines:
        err_console.print(f"[yellow]warning:[/] {line}", soft_wrap=True)


def _point(row: pd.Series, params: tuple[str, ...]) -> str:
    return ", ".join(f"{p}={row[p]}" for p in params)


@app.command("index")
def index_cmd(
    name: Annotated[str, typer.Argument(help="Built-in index (agix, ai-infra) or YAML path.")],
    grid: GridOpt,
    cluster: ClusterOpt = None,
    start_timeout: StartTimeoutOpt = None,
    start: Annotated[str | None, typer.Option(help="Base date override (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (YYYY-MM-DD).")] = None,
    benchmark: Annotated[
        str, typer.Option(help="Benchmark ticker for relative metrics; 'none' for none.")
    ] = "QQQ",
    rank_by: Annotated[
        str,
        typer.Option(
            "--rank-by",
            help="Metric choosing best/worst (higher is better; lower for volatility and risks).",
        ),
    ] = "sharpe",
    batch_size: BatchOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    store: StoreOption = None,
) -> None:
    """Build one index per combination of rules; metrics, best/worst, selection bias.

    Example: aithesis sweep index agix --grid weighting.cap=0.08,0.1,0.15
    --grid rebalance=monthly,quarterly,annual --cluster local:2
    """
    from aithesis.sweep import run_index_sweep

    bench = None if benchmark.strip().lower() in ("", "none") else benchmark
    seconds = _start_timeout(start_timeout)
    with open_store(store, read_only=True) as s, _progress("variants") as progress:
        result = run_index_sweep(
            name,
            grid,
            cluster=cluster,
            store=s,
            start=start,
            end=end,
            benchmark=bench,
            progress=progress,
            rank_by=rank_by,
            batch_size=batch_size,
            start_timeout=seconds,
        )
    table = result.table
    if fmt is OutputFormat.csv:
        typer.echo(table.to_csv(index=False), nl=False)
        _warn(result.warnings)
        return
    if fmt is OutputFormat.json:
        _print_json(
            {
                "index": result.name,
                "params": list(result.params),
                "rank_by": result.rank_by,
                "benchmark": result.benchmark,
                "variants": result.n_variants,
                "failed": result.n_failed,
                "deflated_sharpe": result.deflated_sharpe,
                "luck_sharpe": result.luck_sharpe,
                "best": _records(result.best.to_frame().T)[0],
                "worst": _records(result.worst.to_frame().T)[0],
                "warnings": list(result.warnings),
                "rows": _records(table),
            }
        )
        return
    shown = [c for c in _INDEX_SHOWN if c in table.columns]
    frame = table[[*result.params, *shown]].rename(columns=_SHORT)
    if result.n_failed:
        frame["built"] = table["error"].map(lambda e: "failed" if e is not None else "ok")
    _print_frame(
        frame,
        f"{result.name}: {result.n_variants} variants",
        f"in %: {', '.join(c for c in frame.columns if c in _PERCENT)}; "
        f"relative metrics vs {result.benchmark or 'no benchmark'}",
    )
    for label, row in (("best", result.best), ("worst", result.worst)):
        console.print(
            f"[bold]{label}[/] by {result.rank_by}: {_point(row, result.params)} "
            f"({result.rank_by} {_cell(result.rank_by, row[result.rank_by])})"
        )
    _warn(result.warnings)


@app.command("model")
def model_cmd(
    name: Annotated[str, typer.Argument(help="Built-in model (nvda-5t, ...) or YAML path.")],
    grid: GridOpt,
    draws: Annotated[
        int | None,
        typer.Option(help="Monte Carlo draws per point (default: none).", show_default=False),
    ] = None,
    seed: Annotated[int, typer.Option(help="Base seed of the Monte Carlo draws.")] = 0,
    target: Annotated[
        str | None, typer.Option(help="e.g. 'market_cap>=5000': P(target) per point.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(help="Name to report (default: the model's output).", show_default=False),
    ] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario.")] = None,
    cluster: ClusterOpt = None,
    start_timeout: StartTimeoutOpt = None,
    batch_size: BatchOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Evaluate (or Monte-Carlo-run) a model at every combination of driver values.

    Example: aithesis sweep model nvda-5t --grid nvda_share=0.5:0.9:9 --grid pe=20:50:7
    --draws 10000 --target "market_cap>=5000"
    """
    from aithesis.sweep import run_model_sweep

    seconds = _start_timeout(start_timeout)
    with _progress("points") as progress:
        result = run_model_sweep(
            name,
            grid,
            draws=draws,
            seed=seed,
            target=target,
            output=output,
            cluster=cluster,
            progress=progress,
            scenario=scenario,
            batch_size=batch_size,
            start_timeout=seconds,
        )
    table = result.table
    if fmt is OutputFormat.csv:
        typer.echo(table.to_csv(index=False), nl=False)
        return
    heat = result.heatmap() if len(result.params) == 2 else None
    if fmt is OutputFormat.json:
        _print_json(
            {
                "model": result.model,
                "output": result.output,
                "unit": result.unit,
                "params": list(result.params),
                "draws": result.draws,
                "seed": result.seed,
                "target": result.target,
                "value": result.value_column,
                "rows": _records(table),
                "heatmap": None
                if heat is None
                else {
                    "x": result.params[0],
                    "y": result.params[1],
                    "xs": heat.index.tolist(),
                    "ys": heat.columns.tolist(),
                    "values": json.loads(heat.to_json(orient="values")),
                },
            }
        )
        return
    what = result.value_column
    label = numfmt.unit_label(result.unit, result.output)
    unit = "" if what == "probability" or not label else f" ({label})"
    if heat is not None:
        frame = heat.reset_index()
        frame.columns = [
            f"{result.params[0]} \\ {result.params[1]}",
            *[str(c) for c in heat.columns],
        ]
        caption = f"{what}{unit}; --format csv for one row per combination"
        if what == "probability" and result.target is not None:
            tname, op, value = result.target
            caption = f"P({tname} {op} {numfmt.number(value, 6)}); " + caption
        console.print(_heat_table(frame, what, f"{result.model}: {result.output}", caption))
    else:
        _print_frame(table, f"{result.model}: {result.output}{unit}")
    bad = int(table["error"].notna().sum())
    if bad:
        _warn([f"{bad} point(s) have no value (see the error column with --format csv)"])


def _heat_table(frame: pd.DataFrame, what: str, title: str, caption: str) -> Table:
    table = Table(title=escape(title), caption=escape(caption))
    for k, col in enumerate(frame.columns):
        table.add_column(escape(str(col)), justify="right", style="bold" if k == 0 else None)
    for row in frame.itertuples(index=False):
        cells = [_cell("", row[0])] + [_cell(what, v) for v in row[1:]]
        table.add_row(*cells)
    return table
