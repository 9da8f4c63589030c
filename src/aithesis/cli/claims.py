"""``aithesis claims ...``: read an article's figures, and what the models do not yet cover.

A thin shell over :mod:`aithesis.articles`: every number printed comes from the API; this
module only formats. Nothing is written to disk unless ``--out`` is given.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from aithesis.cli._common import WIDE_HINT, WideOption, console, err_console, fit_table

__all__ = ["app"]

app = typer.Typer(
    no_args_is_help=True, help="Read an article: its figures, and what the models cover."
)

PROGRESS_FROM = 1 << 20  # files from 1 MB show a progress bar


class ExtractFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    yaml = "yaml"


class CoverageFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


_SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


def _scaled(x: float) -> str:
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
        if abs(x) >= size:
            return f"{x / size:.6g} {word}"
    return f"{x:.6g}"


def _value_text(s: Any) -> str:
    numbers = "-".join(_scaled(n) for n in s.numbers)
    return f"{numbers} {s.unit}".strip()


_COLUMNS = ["line", "span", "value", "op", "period"]


def _print_statements(
    statements: list[Any],
    title: str,
    *,
    reasons: bool = False,
    wide: bool = False,
    wide_hint: bool = True,
) -> bool:
    """One row per statement: where it is, its value, then the reason (``reasons``) and
    the whole quote, wrapped beside the row or on the lines under it; ``wide`` adds the
    article and keeps every column in one table. True when columns went under the rows
    (``wide_hint``: see :func:`fit_table`)."""
    article = wide and any(hasattr(item, "article") for item in statements)
    columns = [*(["article"] if article else []), *_COLUMNS]
    columns += [*(["reason"] if reasons else []), "quote"]
    rows = []
    for item in statements:
        s = item.statement if hasattr(item, "statement") else item
        rows.append(
            [
                *([item.article] if article else []),
                str(s.line),
                s.span,
                _value_text(s),
                s.op,
                s.period or "",
                *([item.reason or "(no reason given)"] if reasons else []),
                s.quote,
            ]
        )
    return fit_table(
        columns,
        rows,
        title=title,
        right=("line",),
        prose=("reason", "quote"),
        wide=wide,
        prose_min=40,
        stack=True,
        wide_hint=wide_hint,
    )


def _csv_text(records: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if record.get(k) is None else record[k] for k in columns})
    return buffer.getvalue()


def _emit(text: str, out: Path | None, what: str) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {what} to {escape(str(out))}")


def _output_format(fmt: Any, out: Path | None) -> str:
    name = fmt.value
    if name == "table" and out is not None:
        guessed = _SUFFIX_FORMATS.get(out.suffix.lower())
        if guessed is None:
            from aithesis.errors import AithesisError

            raise AithesisError(
                "a table is only shown, not written",
                file=out,
                hint="give --format json, csv or yaml, or an --out ending in .json/.csv/.yaml",
            )
        return guessed
    return name


def _extract_with_progress(path: Path) -> Any:
    from aithesis.articles import extract

    big = path.is_file() and path.stat().st_size >= PROGRESS_FROM
    if not big:
        return extract(path)
    bar = Progress(
        TextColumn("reading {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    with bar:
        task = bar.add_task(path.name, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return extract(path, progress=update)


@app.command("extract")
def extract_command(
    file: Annotated[Path, typer.Argument(help="Article: plain text or Markdown, UTF-8 or GBK.")],
    fmt: Annotated[
        ExtractFormat,
        typer.Option("--format", "-f", help="table, json, csv, or yaml (a draft claims: block)."),
    ] = ExtractFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """List every quantitative statement of an article: quote, value, unit, op, period."""
    from aithesis.articles import JSON_KEYS, draft_claims

    extraction = _extract_with_progress(file)
    statements = list(extraction.statements)
    chosen = _output_format(fmt, out)
    if chosen == "json":
        text = json.dumps(extraction.to_records(), ensure_ascii=False, indent=2) + "\n"
        _emit(text, out, f"{len(statements)} statements")
    elif chosen == "csv":
        _emit(
            _csv_text(extraction.to_records(), list(JSON_KEYS)),
            out,
            f"{len(statements)} statements",
        )
    elif chosen == "yaml":
        _emit(draft_claims(statements, source=file.name), out, f"{len(statements)} draft claims")
    elif not statements:
        console.print(f"no quantitative statements in {escape(str(file))}")
    else:
        title = f"{file.name}: {len(statements)} statements ({extraction.encoding})"
        _print_statements(statements, title, wide=wide)


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@app.command("coverage")
def coverage_command(
    project: Annotated[
        Path | None,
        typer.Argument(help="A project folder (its models and facts); omit for the built-ins."),
    ] = None,
    article: Annotated[
        list[Path] | None,
        typer.Option("--article", "-a", help="Article file (repeat); default: the cited ones."),
    ] = None,
    models: Annotated[
        list[str] | None,
        typer.Option("--models", "-m", help="Model names or YAML files (repeat or a,b)."),
    ] = None,
    facts: Annotated[
        list[Path] | None, typer.Option("--facts", help="KPI facts CSV (repeat).")
    ] = None,
    fmt: Annotated[
        CoverageFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = CoverageFormat.table,
    uncovered: Annotated[
        bool, typer.Option("--uncovered/--no-uncovered", help="List the uncovered statements.")
    ] = True,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """Which statements of each article the claims, drivers and KPI facts use."""
    from aithesis.articles import coverage

    if project is not None:
        from aithesis.project.coverage import project_coverage

        result = project_coverage(project, articles=article or None)
    else:
        result = coverage(article or None, models=_split(models), facts=facts)
    chosen = _output_format(fmt, out)
    if chosen == "json":
        payload = {
            "articles": result.per_article(),
            "statements": [
                {
                    "article": i.article,
                    **i.statement.to_record(),
                    "kind": i.statement.kind,
                    "covered": i.covered,
                    "used_by": list(i.used_by),
                    "reason": i.reason,
                }
                for i in result.items
            ],
            "unmatched_uses": list(result.unmatched_uses),
        }
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", out, "coverage")
        return
    if chosen == "csv":
        frame = result.to_frame()
        _emit(frame.to_csv(index=False, lineterminator="\n"), out, "coverage")
        return
    numbers = ["statements", "covered", "coverage"]
    rows = [
        [row["article"], str(row["statements"]), str(row["covered"]), f"{row['coverage']:.0%}"]
        for row in result.per_article()
    ]
    title = f"coverage by {result.uses} uses"
    fit_table(["article", *numbers], rows, title=title, right=numbers, prose=(), wide=wide)
    if uncovered and result.uncovered:
        items = list(result.uncovered)
        if wide:
            title = f"{len(items)} uncovered statements"
            _print_statements(items, title, reasons=True, wide=True)
        else:  # one table per article: the file name would leave the quote no room
            console.print(f"{len(items)} uncovered statements", highlight=False)
            folded = False
            for name in dict.fromkeys(i.article for i in items):
                mine = [i for i in items if i.article == name]
                console.print()
                title = f"{name}: {len(mine)} uncovered"
                folded |= _print_statements(mine, title, reasons=True, wide_hint=False)
            if folded:  # once, not under each article's table
                console.print(Text(WIDE_HINT, style="dim"))
        if result.unexplained:
            err_console.print(
                f"note: {len(result.unexplained)} uncovered statements have no reason "
                "(add them to the reasons file, aithesis.articles.reasons_path())"
            )
    if result.unmatched_uses:
        err_console.print(
            f"note: {len(result.unmatched_uses)} uses cite these articles but match no "
            "statement (derived figures, or a unit the text does not state):"
        )
        for problem in result.unmatched_uses:
            err_console.print(f"  {escape(problem)}")
