"""``aithesis model``: thesis models - show, run, check claims, Monte Carlo, sensitivity, solve.

A thin shell over :mod:`aithesis.thesis`: every number printed here comes from a result
object of the Python API. Wherever a built-in model NAME is accepted, a path to a YAML file
works too.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from aithesis import numfmt
from aithesis.cli._common import (
    OutputFormat,
    StoreOption,
    WideOption,
    console,
    err_console,
    open_store,
    print_table,
)
from aithesis.cli.model_options import (
    _frame_out,
    _integer,
    _num,
    _overrides,
    _pairs,
    _print_json,
    shown_value,
)
from aithesis.cli.model_tables import contribution_rows, mc_output_table, print_claims
from aithesis.errors import SpecError

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.graph import TreeNode

__all__ = ["app"]

app = typer.Typer(
    no_args_is_help=True, help="Thesis models: driver trees, scenarios, Monte Carlo, claim checks."
)

NameArg = Annotated[str, typer.Argument(help="Built-in model name or path to a model YAML.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario name.")]
SecOpt = Annotated[
    Path | None,
    typer.Option("--sec", help="Folder of SEC companyfacts JSON (default: sample data/sec)."),
]
IndexOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--index",
        help="A project index methodology YAML for index_level (named by its file name "
        "without .yaml); built-in indexes need none. Repeatable.",
        metavar="FILE",
    ),
]


@app.command("list")
def list_cmd(fmt: FormatOpt = OutputFormat.table) -> None:
    """List the built-in models."""
    import pandas as pd

    from aithesis.thesis import list_models

    frame = pd.DataFrame([m.__dict__ for m in list_models()]).drop(columns=["path"])
    _frame_out(frame, fmt, "built-in thesis models")


@app.command("distributions")
def distributions_cmd(fmt: FormatOpt = OutputFormat.table) -> None:
    """List the distributions a driver's 'dist:' may name and what low/high mean."""
    import pandas as pd

    from aithesis.thesis.distributions import DISTRIBUTIONS

    frame = pd.DataFrame(
        [
            {"dist": d.name, "keys": ", ".join(d.keys), "low/high": d.meaning}
            for d in DISTRIBUTIONS.values()
        ]
    )
    _frame_out(frame, fmt, "driver distributions")


_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+(?![\w.])")


def _plain_literals(expr: str) -> str:
    """An expression with its scientific literals written out, still valid:
    ``t >= 5e12`` -> ``t >= 5_000_000_000_000``, ``1.5e-3`` -> ``0.0015``."""

    def plain(match: re.Match[str]) -> str:
        number = Decimal(match.group(0))
        if number == number.to_integral_value():
            return f"{int(number):_}"
        return format(number.normalize(), "f")

    return _SCIENTIFIC.sub(plain, expr)


def _q(model: Any, name: str, value: Any) -> str:
    """A value of ``name`` in its unit, the analysts' way (``$1,000bn``, ``33x``)."""
    if isinstance(value, str):
        return value
    return numfmt.quantity(value, model.unit_text(name), name=name, sig=6, missing="n/a")


def _driver_label(model: Any, name: str, value: float) -> str:
    d = model.spec.drivers[name]
    text = f"[cyan]{escape(name)}[/] = [bold]{escape(_q(model, name, value))}[/]"
    if d.has_range:
        span = _q(model, name, (d.low, d.high))
        text += f"  [dim]{escape(d.distribution)} {escape(span)}[/]"
    if d.from_:
        text += f"  [dim]from: {escape(d.from_)} (literal here; data with model run --as-of)[/]"
    if d.source:
        text += f"  [dim]({escape(d.source)})[/]"
    return text


def _add(tree: Tree, model: Any, values: Any, node: TreeNode) -> None:
    """Add a model tree node (from ``model.graph.tree``) and its children to a Rich tree."""
    name = node.name
    if node.kind == "driver":
        tree.add(_driver_label(model, name, values[name]))
        return
    expr = escape(_plain_literals(model.spec.formulas[name].expr))
    shown = escape(_q(model, name, values[name]))
    branch = tree.add(f"[green]{escape(name)}[/] = [bold]{shown}[/]  [dim]{expr}[/]")
    for child in node.children:
        _add(branch, model, values, child)


@app.command("show")
def show(name: NameArg, scenario: ScenarioOpt = None) -> None:
    """Show a model as a tree of formulas and drivers with values and units."""
    from aithesis.thesis import load_model

    model = load_model(name)
    ev = model.evaluate(scenario=scenario)
    title = f"[bold]{escape(model.name)}[/]: {escape(model.title)}"
    if model.spec.title_zh:
        title += f" / {escape(model.spec.title_zh)}"
    source = model.spec.source
    tree = Tree(title + (f"  [dim]source: {escape(source)}[/]" if source else ""))
    _add(tree, model, ev.values, model.graph.tree(model.output))
    others = model.graph.other_tops(model.output)
    if others:
        extra = tree.add("[bold]other names[/]")
        for n in others:
            _add(extra, model, ev.values, model.graph.tree(n))
    if model.spec.claims:
        claims = tree.add("[bold]claims[/]")
        for c in model.spec.claims:
            claimed = "" if c.claimed is None else numfmt.quantity(c.claimed, c.unit, name=c.id)
            claims.add(
                f"[magenta]{escape(c.id)}[/] {escape(_plain_literals(c.expr))} {escape(c.op)} "
                + escape(claimed)
                + (f"\n[dim]{escape(c.quote)}[/]" if c.quote else "")
            )
    if model.spec.scenarios:
        scen = tree.add("[bold]scenarios[/]")
        for s, vals in model.spec.scenarios.items():
            pairs = ", ".join(
                f"{k}={_q(model, k, v) if k in model.units else _num(v)}" for k, v in vals.items()
            )
            scen.add(escape(f"{s}: {pairs}"))
    console.print(tree)


@app.command("run")
def run(
    name: NameArg,
    scenario: ScenarioOpt = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override NAME=VALUE (a number, a multiple like 30x, or with a unit: "
            "'2.5 USD_tn').",
        ),
    ] = None,
    as_of: Annotated[
        list[str] | None,
        typer.Option(
            "--as-of",
            help="Evaluate the drivers bound to data (from:) with the store's data as of "
            "DATE (YYYY-MM-DD) or 'latest'; give it twice for two dates side by side.",
            metavar="DATE",
        ),
    ] = None,
    store: StoreOption = None,
    sec: SecOpt = None,
    index: IndexOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Evaluate a model at its base case, a scenario and/or overrides.

    Drivers bound to data (from: in the YAML) take their values from the store with
    --as-of or --store (default: as of the latest data); otherwise their literal value.
    """
    from aithesis.cli.model_record import literal_frame, run_bound

    overrides = _overrides(set_ or [])
    if as_of or store is not None:
        res = run_bound(name, as_of or ["latest"], store, sec, index, scenario, overrides)
        bound = ", ".join(res.bound) or "none"
        title = f"{res.model} ({scenario or 'base'}); output {res.output}; bound to data: {bound}"
        frame = res.to_frame()
        # 'as of 2024-07-22' / 'as of latest (2026-05-29)' on two or three header lines
        headers = [
            c.replace("as of ", "as of\n", 1).replace(" (", "\n(") if c.startswith("as of ") else c
            for c in frame.columns
        ]
        _frame_out(frame, fmt, title, headers=headers)
        return
    frame, title = literal_frame(name, scenario, overrides)
    _frame_out(frame, fmt, title)


@app.command("check")
def check(
    name: Annotated[str | None, typer.Argument(help="Model name or YAML path.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Check every built-in model.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    record: Annotated[
        bool,
        typer.Option(
            "--record", help="Also judge 'kind: record' claims against the store (then/since)."
        ),
    ] = False,
    store: StoreOption = None,
    sec: SecOpt = None,
    index: IndexOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="A missing series or fact is an error, not no_data.")
    ] = False,
    wide: WideOption = False,
) -> None:
    """Check an article's claims against what the model computes from its inputs.

    With --record (or --store) the claims against the record are judged too, as of
    the article date ("then") and as of the latest data ("since").
    """
    from aithesis.cli.model_record import judge_records, print_record_table
    from aithesis.thesis import check_all
    from aithesis.thesis.results import ClaimReport

    if (name is None) == (not all_):
        raise SpecError("give a model NAME or --all (not both)", field="model")
    report = check_all(None if all_ else [name])
    records = None
    if record or store is not None:
        records = judge_records(None if all_ else [name], store, sec, strict, index)
    if fmt is OutputFormat.json:
        extra = records.to_records() if records is not None else []
        _print_json(report.to_records() + extra)
        return
    if fmt is OutputFormat.csv:
        both = ClaimReport(report.results + (records.results if records is not None else ()))
        typer.echo(both.to_frame().to_csv(index=False), nl=False)
        return
    if records is not None and len(records):
        print_record_table(records, wide=wide)
    undetermined = f", {len(report.undetermined)} undetermined" if report.undetermined else ""
    table = Table(title=f"claims: {len(report.flagged)} flagged{undetermined} of {len(report)}")
    if not wide:
        print_claims(report, str(table.title))
        return
    for col in (
        "model",
        "claim",
        "op",
        "claimed",
        "computed",
        "unit",
        "rel. error",
        "status",
        "note",
    ):
        table.add_column(col)
    for r in report:
        colour = {"flagged": "red", "ok": "green"}.get(r.status, "yellow")
        gap = f"{r.rel_error:.1%}" if math.isfinite(r.rel_error) else "n/a"
        table.add_row(
            *(escape(x) for x in (r.model, r.claim_id, r.op)),
            escape(_num(r.claimed)),
            escape(_num(r.computed)),
            escape(r.unit),
            gap,
            f"[{colour}]{escape(r.status)}[/]",
            escape(r.note),
        )
    print_table(table, wide=True)


@app.command("mc")
def mc(
    name: NameArg,
    draws: Annotated[
        str, typer.Option("--draws", "-n", help="Number of draws (1 to 10,000,000).", metavar="N")
    ] = "100000",
    seed: Annotated[
        str | None, typer.Option("--seed", help="Random seed (an integer >= 0).", metavar="INT")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Probability of e.g. 'market_cap>=5000'.")
    ] = None,
    output: Annotated[str | None, typer.Option("--output", help="Output name.")] = None,
    scenario: ScenarioOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    wide: WideOption = False,
) -> None:
    """Monte Carlo: percentiles, mean, P(target) and variance contributions.

    The table shows the output's statistics; --wide shows every driver and formula.
    """
    from aithesis.thesis import load_model

    res = load_model(name).monte_carlo(
        _integer(draws, "--draws"),
        seed=None if seed is None else _integer(seed, "--seed"),
        target=target,
        scenario=scenario,
        output=output,
    )
    contrib = res.contribution()
    if fmt is OutputFormat.json:
        _print_json(
            {
                "model": res.model,
                "output": res.output,
                "unit": res.unit,
                "n": res.n,
                "seed": res.seed,
                "mean": res.mean,
                "std": res.std,
                **res.percentiles(),
                "target": list(res.target) if res.target else None,
                "probability": res.probability,
                "contribution": contrib.to_dict(orient="records"),
            }
        )
        return
    seeded = f"seed {res.seed}" if res.seed is not None else "unseeded"
    title = f"{res.model}: {res.n:,} draws, {seeded}"
    if fmt is OutputFormat.table and not wide:
        mc_output_table(res, title)
    else:
        _frame_out(res.to_frame(), fmt, title, wide=True)
    if res.target is not None:
        t_name, t_op, t_value = res.target
        shown = numfmt.quantity(t_value, res.unit, name=t_name)
        what = escape(f"P({t_name} {t_op} {shown})")
        console.print(f"{what} = [bold]{res.probability:.2%}[/]")
    _frame_out(
        contrib,
        fmt,
        f"contribution to variance of {res.output}",
        rows=contribution_rows(contrib),
        headers=["driver", "correlation", "rank correlation", "share of variance"],
    )


@app.command("sensitivity")
def sensitivity(
    name: NameArg,
    output: Annotated[str | None, typer.Option("--output", help="Output name.")] = None,
    scenario: ScenarioOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Tornado: each driver to its low and high, ranked by the swing of the output."""
    from aithesis.thesis import load_model

    model = load_model(name)
    res = model.tornado(output=output, scenario=scenario)
    frame = res.to_frame()
    base = numfmt.quantity(res.base, res.unit, name=res.output, sig=6)
    title = f"{res.model}: {res.output} = {base} at base"
    if fmt is not OutputFormat.table:
        _frame_out(frame, fmt, title)
        return
    # low/high in each driver's unit; the output's columns in the output's unit
    label = numfmt.unit_label(res.unit, res.output)
    outs = ("output_at_low", "output_at_high", "swing")
    short = {"output_at_low": "at low", "output_at_high": "at high"}
    headers = [short.get(c, c) for c in frame.columns]
    title += f"; {res.output} at each driver's low and high, and the swing" + (
        f", in {label}" if label else ""
    )
    rows = [
        [
            r["driver"],
            _q(model, r["driver"], r["low"]),
            _q(model, r["driver"], r["high"]),
            *(shown_value(r[c], res.unit, res.output) for c in outs),
        ]
        for r in frame.to_dict(orient="records")
    ]
    _frame_out(frame, fmt, title, rows=rows, headers=headers)


@app.command("solve")
def solve(
    name: NameArg,
    target: Annotated[str, typer.Option("--target", help="OUTPUT=VALUE, e.g. market_cap=4500")],
    for_: Annotated[str, typer.Option("--for", help="Driver to solve for.")],
    bracket: Annotated[str | None, typer.Option("--bracket", help="LO,HI to search in.")] = None,
    scenario: ScenarioOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Reverse valuation: the driver value that gives the target output."""
    from aithesis.thesis import load_model

    ((out_name, value),) = _pairs([target], "--target").items()
    bounds = None
    if bracket:
        parts = bracket.split(",")
        try:
            bounds = (float(parts[0]), float(parts[1]))
        except (IndexError, ValueError):
            raise SpecError(
                f"cannot read bracket {bracket!r}", field="--bracket", hint="write LO,HI"
            ) from None
    res = load_model(name).solve(out_name, value, for_, bracket=bounds, scenario=scenario)
    _frame_out(res.to_frame(), fmt, f"{res.model}: solve {res.driver}")
    if res.warning:
        err_console.print(f"warning: {res.warning}", markup=False)


@app.command("davis")
def davis(
    price_start: Annotated[float | None, typer.Option(help="Price at the start.")] = None,
    price_end: Annotated[float | None, typer.Option(help="Price at the end.")] = None,
    eps_start: Annotated[float | None, typer.Option(help="EPS at the start.")] = None,
    eps_end: Annotated[float | None, typer.Option(help="EPS at the end.")] = None,
    ticker: Annotated[
        str | None, typer.Option(help="Use stored prices and EPS facts of this ticker.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Start date (with --ticker).")] = None,
    end: Annotated[str | None, typer.Option(help="End date (with --ticker).")] = None,
    store: StoreOption = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Davis double-click: split a price change into EPS growth and P/E change.

    Give the four figures, or --ticker with --start and --end to use the store.
    """
    from aithesis.thesis import davis_decomposition

    if ticker is not None:
        if start is None or end is None:
            raise SpecError(
                "--ticker needs --start and --end",
                field="--start",
                hint="e.g. --start 2023-01-31 --end 2025-01-31",
            )
        from aithesis.thesis.api import davis_from_store

        with open_store(store, read_only=True) as db:
            res = davis_from_store(db, ticker, start, end)
    else:
        figures = {
            "--price-start": price_start,
            "--price-end": price_end,
            "--eps-start": eps_start,
            "--eps-end": eps_end,
        }
        missing = [k for k, v in figures.items() if v is None]
        if missing:
            raise SpecError(
                f"missing {', '.join(missing)}",
                field=missing[0],
                hint="give all four figures, or --ticker with --start and --end",
            )
        res = davis_decomposition(price_start, price_end, eps_start, eps_end)
    frame = res.to_frame().reset_index()
    _frame_out(frame, fmt, f"Davis decomposition ({res.kind})")
