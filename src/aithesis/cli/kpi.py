"""``aithesis kpi ...``: import facts, pull filings, show facts, growth, aggregates, lead-lag.

A thin shell over :mod:`aithesis.kpi.api`: every number printed comes from the API; this
module only formats (rates are shown as percentages in tables, decimals in CSV/JSON).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from aithesis import numfmt
from aithesis.cli._common import (
    OutputFormat,
    StoreOption,
    WideOption,
    console,
    err_console,
    fit_table,
    open_store,
    print_json,
)

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="KPI tracker: capex and other leading indicators.")

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")]
GroupsOption = Annotated[
    Path | None,
    typer.Option("--groups", help="YAML file with your own groups (adds to the built-ins)."),
]
_RATE_COLUMNS = {"qoq", "yoy", "ttm_yoy", "gap_pct", "share"}


def _plain(value: Any) -> Any:
    """JSON-safe scalar: NaN/inf/NaT -> None, dates -> ISO text, numpy -> Python."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or Infinity
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


# figures in the row's unit: shown in the analysts' unit (RMB_100M in RMB bn: value / 10)
_AMOUNT_COLUMNS = {"value", "ttm", "actual", "expected", "gap_abs"}
# running text: wraps at spaces, or goes under its row on a narrow terminal
_PROSE = {"source", "events", "detail", "quote", "label", "warning", "expected_source"}


def _cell(column: str, value: Any, unit: str = "") -> str:
    value = _plain(value)
    if value is None:
        return ""
    if column in _RATE_COLUMNS and isinstance(value, float):
        return numfmt.percent(value, signed=True)
    if column == "unit" and isinstance(value, str):
        return numfmt.unit_label(value)
    if isinstance(value, float):
        if column in _AMOUNT_COLUMNS:
            value *= numfmt.unit_factor(unit)
        return f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def _emit(
    frame: pd.DataFrame,
    fmt: OutputFormat,
    *,
    title: str,
    columns: list[str] | None = None,
    wide: bool = False,
) -> None:
    """JSON and CSV keep raw values and unit names; a table shows amounts in the
    analysts' units (``RMB bn``) and fits the terminal (:func:`fit_table`)."""
    frame = frame.loc[:, columns] if columns else frame
    if fmt is OutputFormat.json:
        print_json(
            [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
        )
        return
    if fmt is OutputFormat.csv:
        frame.to_csv(sys.stdout, index=False)
        return
    names = [str(c) for c in frame.columns]
    rows = []
    for record in frame.to_dict(orient="records"):
        unit = str(record.get("unit") or "")
        rows.append([_cell(c, record[c], unit) for c in names])
    right = [c for c in names if frame[c].dtype.kind in "fiu" or c in _RATE_COLUMNS]
    fit_table(names, rows, title=title, right=right, prose=_PROSE, wide=wide)


def _warn(lines: list[str], *, limit: int = 20) -> None:
    """Print ``warning: ...`` lines on stderr, verbatim (no markup), at most ``limit``."""
    unique = list(dict.fromkeys(lines))
    for line in unique[:limit]:
        err_console.print(f"warning: {line}", markup=False, highlight=False, soft_wrap=True)
    if len(unique) > limit:
        err_console.print(
            f"warning: ... and {len(unique) - limit} more; list them with "
            "aithesis kpi facts --all-versions",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _conflicts(frame: pd.DataFrame, group: Any = None) -> list[str]:
    """Warnings for the facts in ``frame`` (all versions) whose sources disagree."""
    from aithesis.kpi.conflicts import source_conflicts

    return [c.message() for c in source_conflicts(frame, group=group)]


def _group_conflicts(db: Any, group: str, metric: str | None, groups: Path | None) -> list[str]:
    from aithesis.kpi import api
    from aithesis.kpi.groups import load_groups, resolve_group

    grp = resolve_group(group, load_groups(groups))
    return _conflicts(api.facts(db, metric=metric, latest_only=False), grp)


def _import_conflicts(db: Any, file: Path) -> list[str]:
    """Warnings for stored facts whose sources disagree, where ``file`` gave one side."""
    from aithesis.kpi import api
    from aithesis.kpi.conflicts import source_conflicts
    from aithesis.kpi.facts import read_facts_csv

    new = read_facts_csv(file)
    keys = set(zip(new["entity"], new["metric"], new["fiscal_period"], strict=True))
    sources = set(new["source"])
    every = api.facts(db, latest_only=False)
    return [
        c.message()
        for c in source_conflicts(every)
        if (c.entity, c.metric, c.fiscal_period) in keys
        and ({c.kept.source, *(v.source for v in c.overruled)} & sources)
    ]


@app.command("import")
def import_(
    file: Annotated[Path | None, typer.Argument(help="Facts CSV (see aithesis.kpi.facts).")] = None,
    articles: Annotated[
        bool, typer.Option("--articles", help="Import the built-in article facts.")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The file is the whole truth for the sources it names: drop their other facts.",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Validate FILE (or the built-in article facts) and write it to the store, all or nothing.

    A fact that another source states with a different value is kept by a fixed rule
    (actual before derived, newest as_of, source name A-Z) and listed as a warning.
    """
    from aithesis.errors import DataError
    from aithesis.kpi import api
    from aithesis.kpi.facts import article_facts_path

    if (file is None) == (not articles):
        raise DataError("give a facts CSV or --articles (not both)", field="file")
    with open_store(store) as db:
        rows = (
            api.load_article_facts(db)
            if articles
            else api.import_facts(db, file, replace_sources=replace)
        )
        warnings = _import_conflicts(db, article_facts_path() if articles else file)
    console.print(f"imported {rows} facts")
    _warn(warnings)


@app.command("pull")
def pull(
    tickers: Annotated[list[str], typer.Argument(help="Tickers, e.g. MSFT AMZN GOOGL META.")],
    provider: Annotated[str, typer.Option("--provider", help="sec or akshare.")] = "sec",
    metrics: Annotated[
        list[str] | None, typer.Option("--metric", "-m", help="Only these metrics (repeatable).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Fetch fundamentals per ticker; failures are listed at the end, the rest kept."""
    from aithesis.kpi import api

    with (
        open_store(store) as db,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console
        ) as progress,
    ):
        task = progress.add_task(f"pulling from {provider}", total=len(tickers))

        def step(ticker: str, error: str | None) -> None:
            progress.update(task, advance=1, description=f"{ticker} {'failed' if error else 'ok'}")

        report = api.pull(db, tickers, provider=provider, metrics=metrics, on_ticker=step)
    for ticker, rows in report.written.items():
        console.print(f"{escape(ticker)}: {rows} facts", highlight=False)
    for line in (w for ticker in sorted(report.warnings) for w in report.warnings[ticker]):
        err_console.print(f"[yellow]warning[/] {escape(line)}", highlight=False)
    by_reason: dict[str, list[str]] = {}  # one line per reason: "failed A, B: no User-Agent"
    for ticker, reason in sorted(report.failures.items()):
        by_reason.setdefault(reason, []).append(ticker)
    for reason, names in by_reason.items():
        shown = escape(", ".join(names))
        err_console.print(f"[red]failed[/] {shown}: {escape(reason)}", highlight=False)
    if report.failures:
        raise typer.Exit(1)


@app.command("import-sec")
def import_sec(
    path: Annotated[
        Path, typer.Argument(help="Folder of CIK##########.json files, or companyfacts.zip.")
    ],
    metrics: Annotated[
        list[str] | None, typer.Option("--metric", "-m", help="Only these metrics (repeatable).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Import recorded SEC companyfacts payloads (offline), all or nothing.

    PATH is a folder of CIK##########.json files or SEC's bulk companyfacts.zip. Each CIK
    maps to a ticker through the built-in map, then SEC's company_tickers.json beside the
    files. Every payload is checked as a pull is; one bad file stops the import and
    nothing is stored.
    """
    from aithesis.kpi import api

    with (
        open_store(store) as db,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console
        ) as progress,
    ):
        task = progress.add_task(f"reading {path.name}", total=None)

        def step(where: str, ticker: str, done: int, total: int) -> None:
            name = where.rsplit("/", 1)[-1]
            progress.update(task, completed=done, total=total, description=f"{ticker} {name}")

        report = api.import_sec(db, path, metrics=metrics, on_file=step)
    for ticker, rows in report.written.items():
        console.print(f"{escape(ticker)}: {rows} facts", highlight=False)
    for line in (w for ticker in sorted(report.warnings) for w in report.warnings[ticker]):
        err_console.print(f"[yellow]warning[/] {escape(line)}", highlight=False)
    console.print(f"imported {sum(report.written.values())} facts from {len(report.written)} files")


@app.command("facts")
def facts(
    entity: Annotated[
        str | None, typer.Option("--entity", "-e", help="Entity slug, e.g. alibaba.")
    ] = None,
    ticker: Annotated[str | None, typer.Option("--ticker", "-t", help="Ticker, e.g. MSFT.")] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", "-m", help="Metric, e.g. capex.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="actual, estimate, guidance, derived.")
    ] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Keep restated versions.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    store: StoreOption = None,
) -> None:
    """List stored facts (newest version of each unless --all-versions)."""
    from aithesis.kpi import api

    with open_store(store, read_only=True) as db:
        frame = api.facts(
            db, entity=entity, ticker=ticker, metric=metric, kind=kind, latest_only=not all_versions
        )
        every = api.facts(db, entity=entity, ticker=ticker, metric=metric, latest_only=False)
    columns = None
    if fmt is OutputFormat.table:
        columns = [
            "entity",
            "ticker",
            "metric",
            "fiscal_period",
            "period_end",
            "value",
            "unit",
            "kind",
            "source",
            "as_of",
        ]
    _emit(frame, fmt, title="facts", columns=columns)
    _warn(_conflicts(every))


@app.command("growth")
def growth(
    entity: Annotated[str, typer.Option("--entity", "-e", help="Entity slug or ticker.")],
    metric: Annotated[str, typer.Option("--metric", "-m")] = "capex",
    unit: Annotated[str | None, typer.Option("--unit", help="Express values in this unit.")] = None,
    fmt: FormatOption = OutputFormat.table,
    store: StoreOption = None,
    wide: WideOption = False,
) -> None:
    """QoQ, YoY, TTM of one entity's metric (rates: % in tables, decimals in csv/json).

    The table leaves out period_end and kind to fit 80 columns; --wide shows them.
    """
    from aithesis.kpi import api

    with open_store(store, read_only=True) as db:
        frame = api.growth(db, entity=entity, metric=metric, unit=unit)
        every = api.facts(db, entity=entity, metric=metric, latest_only=False)
        if every.empty:  # growth matched a ticker, as api.growth does
            every = api.facts(db, ticker=entity, metric=metric, latest_only=False)
    columns = None
    if fmt is OutputFormat.table:
        columns = [
            "fiscal_period",
            *(["period_end"] if wide else []),
            "value",
            "unit",
            *(["kind"] if wide else []),
            "qoq",
            "yoy",
            "ttm",
            "events",
        ]
    _emit(frame, fmt, title=f"{entity} {metric}", columns=columns, wide=wide)
    _warn(_conflicts(every))


@app.command("aggregate")
def aggregate(
    group: Annotated[str, typer.Option("--group", "-g")],
    metric: Annotated[str, typer.Option("--metric", "-m")] = "capex",
    freq: Annotated[str, typer.Option("--freq", help="Q (calendar quarters), H or Y.")] = "Q",
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Sum periods with missing members too.")
    ] = False,
    groups: GroupsOption = None,
    fmt: FormatOption = OutputFormat.table,
    store: StoreOption = None,
    wide: WideOption = False,
) -> None:
    """Sum a metric over a group's members per calendar period.

    The table shows period, value, unit and membership; --wide (or csv/json) shows all.
    """
    from aithesis.kpi import api

    with open_store(store, read_only=True) as db:
        frame = api.aggregate(
            db,
            group=group,
            metric=metric,
            freq=freq,
            unit=unit,
            allow_partial=partial,
            groups_file=groups,
        )
        warnings = _group_conflicts(db, group, metric, groups)
    narrow = ["period", "value", "unit", "n_members", "members_missing", "complete"]
    short = fmt is OutputFormat.table and not wide and set(narrow) <= set(frame.columns)
    _emit(frame, fmt, title=f"{group} {metric}", columns=narrow if short else None, wide=wide)
    if frame.empty:
        other = "or try --freq Y" if freq.upper() != "Y" else "or try --freq Q"
        err_console.print(
            f"note: no {freq} period has {metric} facts for any member of {group}; "
            "load them (aithesis kpi pull --provider sec TICKER..., or aithesis kpi import "
            f"FILE.csv), {other}",
            markup=False,
            highlight=False,
        )
    _warn(warnings)


@app.command("gaps")
def gaps(
    entity: Annotated[str | None, typer.Option("--entity", "-e")] = None,
    metric: Annotated[str | None, typer.Option("--metric", "-m")] = None,
    group: Annotated[str | None, typer.Option("--group", "-g")] = None,
    groups: GroupsOption = None,
    fmt: FormatOption = OutputFormat.table,
    store: StoreOption = None,
) -> None:
    """Expectation gaps: reported figures against estimates/guidance for the same period."""
    from aithesis.kpi import api

    with open_store(store, read_only=True) as db:
        frame = api.gaps(db, entity=entity, metric=metric, group=group, groups_file=groups)
        if group is not None:
            warnings = _group_conflicts(db, group, metric, groups)
        else:
            warnings = _conflicts(api.facts(db, entity=entity, metric=metric, latest_only=False))
    _emit(frame, fmt, title="expectation gaps")
    if frame.empty:
        err_console.print(
            "note: no estimate or guidance fact has a reported figure for the same period yet "
            "(load actuals with aithesis kpi pull / import, or use --group for group estimates)",
            markup=False,
            highlight=False,
        )
    _warn(warnings)


@app.command("leadlag")
def leadlag(
    metric: Annotated[str, typer.Option("--metric", "-m", help="KPI metric, e.g. capex.")],
    against: Annotated[
        str, typer.Option("--against", help="Ticker or index whose returns follow.")
    ],
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Sum the metric over this group.")
    ] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", "-e", help="One company, e.g. alibaba.")
    ] = None,
    max_lag: Annotated[int, typer.Option("--max-lag", help="Largest lag in quarters.")] = 4,
    growth_kind: Annotated[str, typer.Option("--growth", help="yoy or qoq.")] = "yoy",
    groups: GroupsOption = None,
    fmt: FormatOption = OutputFormat.table,
    store: StoreOption = None,
) -> None:
    """Correlate a KPI's quarterly growth with AGAINST's returns 0..max-lag quarters later."""
    from aithesis.kpi import api

    with open_store(store, read_only=True) as db:
        frame = api.lead_lag(
            db,
            metric=metric,
            against=against,
            group=group,
            entity=entity,
            max_lag=max_lag,
            growth_kind=growth_kind,
            groups_file=groups,
        )
        if group is not None:
            warnings = _group_conflicts(db, group, metric, groups)
        else:
            warnings = _conflicts(api.facts(db, entity=entity, metric=metric, latest_only=False))
    _emit(frame, fmt, title=f"{group or entity} {metric} {growth_kind} vs {against} returns")
    if fmt is OutputFormat.table:
        for lag, note in zip(frame["lag"], frame["warning"], strict=True):
            if note:
                err_console.print(
                    f"[yellow]warning[/] lag {lag}: {escape(str(note))}", highlight=False
                )
    _warn(warnings)


@app.command("events")
def events(fmt: FormatOption = OutputFormat.table) -> None:
    """Dated events used to annotate KPI periods, with their sources."""
    from aithesis.kpi import api

    _emit(api.events(), fmt, title="events")
