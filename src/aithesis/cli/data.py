"""``aithesis data ...``: import, pull, list, show, export and delete stored series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from aithesis import numfmt
from aithesis.cli._common import (
    OutputFormat,
    StoreOption,
    WideOption,
    coloured_pct,
    console,
    err_console,
    fit_table,
    open_store,
    print_json,
    print_table,
)

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)


def _print_report(report, *, verb: str) -> None:
    rows = report.rows
    console.print(
        f"{verb} {rows.get('prices', 0):,} price rows ({len(report.tickers)} tickers), "
        f"{rows.get('dividends', 0):,} dividends, {rows.get('fx', 0):,} FX rows "
        f"({len(report.fx_pairs)} pairs) in {report.seconds:.2f} s"
    )
    warned = sum(len(w) for w in report.warnings.values())
    if warned:
        err_console.print(f"[yellow]{warned} validation warning(s)[/] (kept with the data):")
        for name, lines in sorted(report.warnings.items()):
            for line in lines[:5]:
                err_console.print(f"  warning: {line}", markup=False)
            if len(lines) > 5:
                err_console.print(f"  ... {len(lines) - 5} more for {escape(name)}")
    for name, reason in sorted(report.failures.items()):
        err_console.print(f"[red]failed[/] {escape(name)}: {escape(reason)}", highlight=False)


@app.command("import")
def import_(
    folder: Annotated[Path, typer.Argument(help="Folder in the sample-data layout.")],
    store: StoreOption = None,
    tickers: Annotated[
        list[str] | None, typer.Option("--ticker", "-t", help="Only these tickers.")
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good files, list the bad ones.")
    ] = False,
    basis: Annotated[
        str | None,
        typer.Option(
            "--basis",
            help="What close is in files no manifest covers: raw, auto_adjusted or index.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse vendor anomalies (close outside \\[low, high], empty OHLC or volume, "
            "repeated rows) instead of keeping them as warnings.",
        ),
    ] = False,
) -> None:
    """Import prices/, dividends/ and fx/ from FOLDER (all-or-nothing by default)."""
    from aithesis.data.api import import_dir

    with open_store(store) as db:
        report = import_dir(
            db,
            folder,
            tickers=tickers,
            strict=not skip_bad,
            basis=basis,
            anomalies="refuse" if strict else "warn",
        )
    _print_report(report, verb="imported")
    if report.failures:
        raise typer.Exit(1)


@app.command("pull")
def pull(
    tickers: Annotated[list[str], typer.Argument(help="Yahoo-style symbols, e.g. NVDA 0700.HK.")],
    provider: Annotated[str, typer.Option("--provider", help="Live provider.")] = "yahoo",
    start: Annotated[str | None, typer.Option(help="First date (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (YYYY-MM-DD).")] = None,
    store: StoreOption = None,
) -> None:
    """Fetch TICKERS from a live provider; failures are listed at the end, the rest kept."""
    import pandas as pd

    from aithesis.data.api import pull as pull_api
    from aithesis.errors import DataError

    try:
        first = pd.Timestamp(start).date() if start else None
        last = pd.Timestamp(end).date() if end else None
    except ValueError as exc:
        raise DataError(
            f"bad date ({exc})", field="--start/--end", hint="write dates as YYYY-MM-DD"
        ) from exc
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=False,
    )
    with open_store(store) as db, progress:
        task = progress.add_task(f"pulling from {escape(provider)}", total=len(tickers))

        def step(ticker: str, error: str | None) -> None:
            progress.update(
                task, advance=1, description=f"{escape(ticker)} {'failed' if error else 'ok'}"
            )

        report = pull_api(db, tickers, provider=provider, start=first, end=last, on_ticker=step)
    _print_report(report, verb="stored")
    if report.failures and not report.tickers:
        raise typer.Exit(1)


@app.command("list")
def list_(
    store: StoreOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """List stored series with basis, source, dates, rows and warnings."""
    with open_store(store, read_only=True) as db:
        info = db.series_info()
    if fmt is OutputFormat.json:
        print_json(info.to_dict(orient="records"))
        return
    if fmt is OutputFormat.csv:
        typer.echo(info.to_csv(index=False), nl=False)
        return
    if info.empty:
        console.print("the store is empty; run 'aithesis data import FOLDER' first")
        return
    fit_table(
        ["name", "kind", "basis", "currency", "first", "last", "rows", "warnings", "source"],
        [
            [
                str(row.name),
                str(row.kind),
                row.basis or "",
                row.currency or "",
                f"{row.first_date:%Y-%m-%d}",
                f"{row.last_date:%Y-%m-%d}",
                f"{row.rows:,}",
                str(len(row.warnings)),
                row.source or "",
            ]
            for row in info.itertuples(index=False)
        ],
        title=f"{len(info)} stored series",
        right=["rows", "warnings"],
        prose=["source"],
    )


def _price_cell(column: str, value: float) -> str:
    """A price with four decimals; a volume (a count of shares) as a whole number;
    a missing value as ``-``."""
    if column == "volume":
        return numfmt.count(value)
    return numfmt.fixed(value, 4, grouping=True)


@app.command("show")
def show(
    ticker: Annotated[str, typer.Argument(help="Ticker or FX pair.")],
    rows: Annotated[int, typer.Option(help="How many of the latest rows.", min=1)] = 10,
    store: StoreOption = None,
) -> None:
    """Show one series: provenance, warnings and its latest rows."""
    from aithesis.errors import UnknownTickerError

    name = ticker.upper()
    with open_store(store, read_only=True) as db:
        info = db.series_info()
        match = info.loc[info["name"] == name]
        if match.empty:
            raise UnknownTickerError(
                f"{name} is not in the store", file=db.path, hint="see 'aithesis data list'"
            )
        meta = match.iloc[0]
        if meta["kind"] == "fx":
            latest = db.fx(name).tail(rows).to_frame("rate").reset_index()
        else:
            latest = db.prices([name]).tail(rows)
    console.print(
        f"[bold]{escape(name)}[/] {escape(str(meta['kind']))} basis={escape(str(meta['basis']))} "
        f"currency={escape(str(meta['currency']))} "
        f"adj_close from {escape(str(meta['adj_close_from']))}"
    )
    console.print(
        f"source {escape(str(meta['source']))}; {meta['rows']:,} rows "
        f"{meta['first_date']:%Y-%m-%d} .. {meta['last_date']:%Y-%m-%d}"
    )
    for line in meta["warnings"]:
        console.print(f"warning: {line}", markup=False)
    shown = [c for c in latest.columns if c not in ("ticker", "currency", "basis", "source")]
    rows = [
        [
            f"{v:%Y-%m-%d}"
            if hasattr(v, "strftime")
            else (_price_cell(k, v) if isinstance(v, float) else str(v))
            for k, v in record._asdict().items()
            if k in shown
        ]
        for record in latest.itertuples(index=False)
    ]
    fit_table([str(c) for c in shown], rows, right=[str(c) for c in shown], prose=())


@app.command("export")
def export(
    folder: Annotated[Path, typer.Argument(help="New or empty folder.")],
    fmt: Annotated[str, typer.Option("--format", help="Only 'parquet'.")] = "parquet",
    store: StoreOption = None,
) -> None:
    """Export the store as Parquet, hive-partitioned by ticker."""
    from aithesis.data.api import export_parquet
    from aithesis.errors import DataError

    if fmt != "parquet":
        raise DataError(f"unknown export format '{fmt}'", field="--format", hint="use parquet")
    with open_store(store, read_only=True) as db:
        counts = export_parquet(db, folder)
    console.print(
        f"exported {counts['prices']:,} price rows, {counts['dividends']:,} "
        f"dividends and {counts['fx']:,} FX rows to {escape(str(folder))}"
    )


@app.command("delete")
def delete(
    tickers: Annotated[list[str], typer.Argument(help="Tickers to remove.")],
    store: StoreOption = None,
) -> None:
    """Remove tickers' prices and dividends (e.g. before re-importing another basis)."""
    from aithesis.cli._common import resolve_store_path
    from aithesis.errors import StoreError

    if not resolve_store_path(store).exists():
        raise StoreError(
            "no store there",
            file=resolve_store_path(store),
            hint="check --store (see 'aithesis data list --store PATH')",
        )
    with open_store(store) as db:
        removed = db.delete_tickers(tickers)
    for ticker, rows in removed.items():
        console.print(f"removed {rows:,} price rows of {escape(ticker)}")


@app.command("summary")
def summary(
    store: StoreOption = None,
    since: Annotated[str, typer.Option(help="Start date of the 'since' column.")] = "2022-11-30",
    wide: WideOption = False,
) -> None:
    """Universe companies with stored prices: last close, 1-year and since-date total return.

    A series that ends early (more than a week before the last date most series share) is
    marked *: its 1y return is the year to its own last date, not the others' year.
    """
    import pandas as pd

    from aithesis.overview import common_last_date, price_summary
    from aithesis.universe import load_universe

    with open_store(store, read_only=True) as db:
        table_data = price_summary(db, since=since)
        path = db.path
    if table_data.empty:
        console.print("the store is empty; run 'aithesis data import FOLDER' first")
        return
    universe = load_universe()
    start = pd.Timestamp(since)
    title = f"AI value-chain universe: total return (adj_close) from {path}"
    # no box: the six columns keep 13 characters for the company at 80 columns
    table = Table(title=escape(title), box=None, padding=(0, 1), header_style="bold underline")
    columns = [("ticker", "left"), ("company", "left")]
    if wide:
        columns += [("公司", "left"), ("themes", "left")]
    columns += [
        ("last date", "left"),
        ("last close", "right"),
        ("1y", "right"),
        (f"since\n{since}", "right"),
    ]
    for column, justify in columns:
        table.add_column(
            escape(column),
            justify=justify,
            # names and themes wrap at spaces (a long word folds): no cell is cut short
            no_wrap=column not in ("company", "公司", "themes"),
            overflow="fold",
        )
    shown = early = 0
    for company in universe.companies:
        if company.ticker not in table_data.index:
            continue
        row = table_data.loc[company.ticker]
        mark = "*" if row.ends_early else " "  # a space keeps the digits aligned
        early += bool(row.ends_early)
        day = f"{row.last_date:%Y-%m-%d}"
        names = [escape(company.name)]
        if wide:
            names += [escape(company.name_zh), escape(", ".join(company.themes))]
        table.add_row(
            escape(company.ticker),
            *names,
            f"[yellow]{day}*[/]" if row.ends_early else day,
            f"{row.last_close:,.2f} {escape(str(row.currency))}",
            coloured_pct(row.ret_1y) + mark,
            # a window that starts after the last stored date holds no data, not +0.0%
            "no data" if start > row.last_date else coloured_pct(row.ret_since) + mark,
        )
        shown += 1
    print_table(table, wide=wide)
    console.print(f"{shown} of {len(universe)} universe companies have stored prices")
    if early:
        common = common_last_date(table_data["last_date"])
        console.print(
            f"* {early} series end early, before {common:%Y-%m-%d} (the last date most "
            "series share): their 1y and since returns run to their own last date"
        )
    if not wide:
        console.print("[dim]Chinese names and themes: add --wide[/]")
    last = table_data["last_date"].max()
    if start > last:
        console.print(
            f"no data in the window: --since {escape(since)} is after the last stored date "
            f"{last:%Y-%m-%d}; pass an earlier --since"
        )
