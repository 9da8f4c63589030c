"""Narrow tables of ``aithesis model``: the Monte Carlo output's statistics and the
claim check as a list with each note under its claim (both fit an 80-column terminal)."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from rich.table import Table

from aithesis import numfmt
from aithesis.cli._common import console

__all__ = ["contribution_rows", "mc_output_table", "print_claims"]


_STATUS_COLOUR = {"flagged": "red", "ok": "green"}


def print_claims(report: Any, title: str) -> None:
    """Claims one per row, grouped by model, each note on the lines under its claim: the
    text column wraps at spaces, so nothing is cut at any terminal width."""
    table = Table(title=escape(title), show_header=False, box=None, padding=(0, 1))
    table.add_column("status", no_wrap=True)
    table.add_column("claim", overflow="fold", ratio=1)
    model = None
    for r in report:
        if r.model != model:
            model = r.model
            table.add_row("", f"[bold]{escape(model)}[/]")
        colour = _STATUS_COLOUR.get(r.status, "yellow")
        gap = f"gap {r.rel_error:.1%}" if math.isfinite(r.rel_error) else "gap n/a"
        text = (
            f"[cyan]{escape(r.claim_id)}[/] {escape(r.op)} "
            f"{escape(numfmt.quantity(r.claimed, r.unit, name=r.claim_id))}; "
            f"model {escape(numfmt.quantity(r.computed, r.unit, name=r.claim_id))}, {gap}"
        )
        if r.note:
            text += f"\n[dim]{escape(r.note)}[/]"
        table.add_row(f"[{colour}]{escape(r.status)}[/]", text)
    console.print(table)


def mc_output_table(res: Any, title: str) -> None:
    """The output's statistics as rows (statistic | value): fits an 80-column terminal."""
    frame = res.to_frame()
    row = frame[frame["name"] == res.output].iloc[0]
    label = numfmt.unit_label(res.unit, res.output)
    table = Table(title=escape(title))
    if res.seed is None:
        table.caption = "--seed N repeats a run"
    table.add_column("statistic")
    header = f"{res.output} ({label})" if label else res.output
    table.add_column(escape(header), justify="right")
    for col in frame.columns:
        if col in ("name", "unit"):
            continue
        table.add_row(col, escape(_shown(row[col], res.unit, res.output)))
    console.print(table)
    others = len(frame) - 1
    if others:
        console.print(f"[dim]{others} other names: add --wide, or --format csv[/]")


def _shown(value: Any, unit: str, name: str) -> str:
    """A statistic in the output's unit, the analysts' way ($bn grouped, P/E as 33.6x)."""
    if numfmt.is_multiple(name, unit):
        return numfmt.multiple(value)
    factor = numfmt.unit_factor(unit)
    return numfmt.fixed(float(value) * factor, 2, grouping=True)


def contribution_rows(contrib: Any) -> list[list[str]]:
    """Variance contributions as the report shows them: correlations to 2 decimals, each
    driver's share of variance in percent (JSON and CSV keep the raw decimals)."""
    return [
        [
            str(r.driver),
            numfmt.fixed(r.correlation),
            numfmt.fixed(r.rank_correlation),
            numfmt.percent(r.contribution),
        ]
        for r in contrib.itertuples()
    ]
