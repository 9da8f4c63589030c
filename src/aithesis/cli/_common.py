"""Pieces every command group shares: the ``--store`` option, consoles, output helpers."""

from __future__ import annotations

import itertools
import json
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from aithesis import numfmt
from aithesis.config import default_store_path

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.data.store import Store

__all__ = [
    "ROOT_OPTIONS",
    "OutputFormat",
    "SampleDataOption",
    "StoreOption",
    "WideOption",
    "coloured_pct",
    "console",
    "err_console",
    "fit_table",
    "open_store",
    "print_json",
    "print_table",
    "resolve_store_path",
    "wrap_text",
]

# options given before the subcommand (``aithesis --store X --debug data list``)
ROOT_OPTIONS: dict[str, Any] = {}


def _console(stderr: bool = False) -> Console:
    """A Rich console; when the output is not a terminal (a pipe, a log) it is laid out
    wide so that tables are not cropped to 80 columns ($COLUMNS still wins)."""
    import os

    stream = sys.stderr if stderr else sys.stdout
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, highlight=False, width=200 if wide else None)


console = _console()
err_console = _console(stderr=True)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file (default: $AITHESIS_STORE, else store.duckdb in "
        f"$AITHESIS_HOME or ~/.aithesis; here {default_store_path()}).",
        show_default=False,
    ),
]

SampleDataOption = Annotated[
    Path | None,
    typer.Option(
        "--sample-data",
        help="Folder of the real sample data "
        "(default: env AITHESIS_SAMPLE_DATA, else ../shared/data).",
        show_default=False,
    ),
]


WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Show every row and column, wider than the terminal if need be."),
]


def print_table(table: Any, *, wide: bool = False) -> None:
    """Print a Rich table; ``wide`` lays it out at its natural width (no cell is cut or
    wrapped, lines may run past the terminal's edge), else it fits the terminal."""
    if not wide:
        console.print(table)
        return
    from rich.measure import Measurement

    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    before = console.width
    console.width = max(natural, before)
    try:
        console.print(table, crop=False)
    finally:
        console.width = before


# columns of running text: they wrap at spaces, or go under their row when the
# identifier columns leave them too little room
PROSE_COLUMNS = frozenset(
    {
        "title",
        "title_zh",
        "source",
        "note",
        "notes",
        "description",
        "from",
        "quote",
        "reason",
        "rule",
        "label",
        "中文",
        "keys",
        "low/high",
        "events",
        "warning",
        "warnings_text",
        "themes",
        "company",
        "公司",
        "event",
        "url",
    }
)
_PROSE_MIN = 24  # a prose column narrower than this goes under its row


def _cell_width(text: Any) -> int:
    from rich.cells import cell_len

    plain = text.plain if hasattr(text, "plain") else str(text)
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def _longest_word(texts: Any) -> int:
    """The widest piece of text no line may break (words; one Chinese character, with
    the punctuation and number that stick to it)."""
    from rich.cells import cell_len

    plains = (t.plain if hasattr(t, "plain") else str(t) for t in texts)
    words = (p[a:b].strip() for p in plains for a, b in _pieces(p))
    return max((cell_len(w) for w in words), default=0)


# where Chinese text may break: between two characters, but not before closing
# punctuation, after opening punctuation, nor inside a number and its unit (246.12亿元)
_OPEN = frozenset("([{“‘《「『（【〈$¥£€第")
_CLOSE = frozenset(")]}”’》」』）】〉,.:;!?%，。：；！？、…·")
_UNIT = frozenset("万亿千百元美港倍年月季度个家张台人座块颗次%％")


def _wide(ch: str) -> bool:
    return (
        unicodedata.east_asian_width(ch) in "WF"
        and not ch.isascii()
        and not (
            "\uff10" <= ch <= "\uff5a" and ch.isalnum()  # full-width digits and letters
        )
    )


def _pieces(plain: str) -> list[tuple[int, int]]:
    """``plain`` cut where a line may break: (start, end) pieces, each ending with the
    spaces after it."""
    cuts, numeric = [0], False
    for i in range(1, len(plain)):
        a, b = plain[i - 1], plain[i]
        numeric = a.isdigit() or (numeric and a in _UNIT)
        if b.isspace():
            continue
        # ASCII punctuation after a Chinese character ends a piece as the full-width would
        after_cjk = a in ",:;!?" and i > 1 and _wide(plain[i - 2])
        if a.isspace() or (
            (_wide(a) or _wide(b) or after_cjk)
            and a not in _OPEN
            and b not in _CLOSE
            and not (numeric and b in _UNIT)
        ):
            cuts.append(i)
    cuts.append(len(plain))
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _line_spans(plain: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``plain`` wrapped to ``width`` cells at the breaks of
    :func:`_pieces` (a piece wider than the line is folded)."""
    from rich.cells import cell_len

    lines: list[tuple[int, int]] = []
    start = end = used = 0  # the open line: plain[start:end], ``used`` cells
    for a, b in _pieces(plain):
        word_end = a + len(plain[a:b].rstrip())
        gap = cell_len(plain[end:a])
        size = cell_len(plain[a:word_end])
        if end > start and used + gap + size <= width:
            end, used = word_end, used + gap + size
            continue
        if end > start:
            lines.append((start, end))
        start = end = a
        used = 0
        for k in range(a, word_end):  # fold a piece wider than the line
            w = cell_len(plain[k])
            if used + w > width and end > start:
                lines.append((start, end))
                start, used = k, 0
            end, used = k + 1, used + w
    if end > start or not lines:
        lines.append((start, end))
    return lines


def wrap_text(text: Any, width: int) -> Any:
    """``text`` (a ``str`` or Rich ``Text``) as a ``Text`` wrapped to ``width`` cells:
    at spaces, and in Chinese between characters, never inside a number or a word."""
    from rich.text import Text

    text = text if isinstance(text, Text) else Text(str(text))
    out: list[Text] = []
    offset = 0
    for paragraph in text.plain.split("\n"):
        for a, b in _line_spans(paragraph, max(1, width)):
            out.append(text[offset + a : offset + b])
        offset += len(paragraph) + 1
    return Text("\n").join(out)


def _has_wide(text: Any) -> bool:
    plain = text.plain if hasattr(text, "plain") else str(text)
    return any(_wide(ch) for ch in plain)


def fit_table(
    columns: list[str],
    rows: list[list[Any]],
    *,
    title: str = "",
    caption: str | None = None,
    right: Any = (),
    prose: Any = None,
    wide: bool = False,
    prose_min: int = _PROSE_MIN,
    stack: bool = False,
    wide_hint: bool = True,
) -> bool:
    """Print rows as a table that never cuts or splits an identifier; True when some
    columns were printed under the rows (what ``--wide`` would put in the table).

    Identifier columns (names, tickers, dates, units, numbers: every column not in
    ``prose``) are as wide as their longest value and never wrap. Prose columns (titles,
    notes, sources; by default those named in :data:`PROSE_COLUMNS`) wrap at spaces when
    they keep at least 24 cells each; else each row's prose is printed on the lines under
    the row (``name: text``), and identifier columns that still do not fit join them.
    ``wide`` prints every column in one table at its natural width. Chinese prose
    breaks between characters, never inside a number and its unit.

    Args:
        columns: the headers.
        rows: one list of cells per row: ``str`` is plain text (no markup), a Rich
            ``Text`` keeps its styles.
        right: headers of right-justified columns (numbers).
        prose: headers of prose columns (default: those in :data:`PROSE_COLUMNS`).
        stack: each column under a row on a line of its own (else joined by ``;``).
        wide_hint: say under such a table that ``--wide`` shows every column (False
            when a command prints several tables and says it once itself:
            :data:`WIDE_HINT`).
    """
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    cells = [[c if isinstance(c, Text) else Text(str(c)) for c in row] for row in rows]
    longest = [max((_cell_width(r[i]) for r in cells), default=0) for i in range(len(columns))]

    def widths_with(heads: list[str]) -> list[int]:
        return [max(_cell_width(h), w) for h, w in zip(heads, longest, strict=True)]

    # a header's line breaks are where it may break; on one line when the table fits so
    flat = [h.replace("\n", " ") for h in columns]
    if wide or sum(w + 3 for w in widths_with(flat)) + 1 <= console.width:
        columns = flat
    prose_set = set(PROSE_COLUMNS if prose is None else prose)
    right_set = {h for r in right for h in (r, r.replace("\n", " "))}
    widths = widths_with(columns)
    limit = console.width

    def table(keep: list[int], prose_widths: dict[int, int]) -> Table:
        t = Table(title=Text(title) if title else None, caption=Text(caption) if caption else None)
        for i in keep:
            justify = "right" if columns[i] in right_set else "left"
            if i in prose_widths:
                t.add_column(columns[i], justify=justify, width=prose_widths[i], overflow="fold")
            else:
                t.add_column(columns[i], justify=justify, no_wrap=True, min_width=widths[i])
        for r in cells:
            t.add_row(*(_fold(r[i], prose_widths.get(i)) for i in keep))
        return t

    every = list(range(len(columns)))
    natural = sum(w + 3 for w in widths) + 1
    if wide or natural <= limit:
        print_table(table(every, {}), wide=wide)
        return False
    ids = [i for i in every if columns[i] not in prose_set]
    texts = [i for i in every if columns[i] in prose_set]
    room = limit - (sum(widths[i] + 3 for i in ids) + 1) - 3 * len(texts)
    # each prose column needs its longest word (never split) and prose_min cells
    need = {i: max(_longest_word(r[i] for r in cells), min(widths[i], prose_min)) for i in texts}
    if texts and sum(need.values()) <= room:
        share, left = dict(need), room - sum(need.values())
        todo = sorted(texts, key=lambda i: widths[i] - need[i])
        for k, i in enumerate(todo):  # the rest of the room, none wider than its values
            extra = min(widths[i] - share[i], left // (len(todo) - k))
            share[i] += extra
            left -= extra
        console.print(table(every, share))
        return False
    # rows with their prose underneath: identifier columns that fit, the rest below
    shown = list(ids)
    while len(shown) > 1 and sum(widths[i] + 2 for i in shown) - 2 > limit:
        shown.pop()
    under = [i for i in every if i not in shown]

    def line(parts: list[Text], keep: list[int], style: str = "") -> Text:
        out = Text(style=style)
        for k, (i, part) in enumerate(zip(keep, parts, strict=True)):
            cell = part.copy()
            pad = widths[i] - _cell_width(cell)
            if columns[i] in right_set:
                cell = Text(" " * pad) + cell
            elif k < len(keep) - 1:
                cell = cell + Text(" " * pad)
            out += cell if k == 0 else Text("  ") + cell
        return out

    body: list[Any] = []
    if title:
        body.append(Text(title, style="italic"))
    heads = [columns[i].split("\n") for i in shown]
    depth = max(len(h) for h in heads)
    for k in range(depth):  # headers of several lines end on the same line (as Rich does)
        parts = [Text(h[k - depth + len(h)] if k >= depth - len(h) else "") for h in heads]
        body.append(line(parts, shown, style="bold"))
    body.append(Text("─" * min(limit, sum(widths[i] + 2 for i in shown) - 2)))
    for r in cells:
        body.append(line([r[i] for i in shown], shown))
        extra = [(columns[i], r[i]) for i in under if r[i].plain.strip()]
        notes = [Text(style="dim")] if extra else []
        for k, (name, cell) in enumerate(extra):
            if stack and k:
                notes.append(Text(style="dim"))
            notes[-1] += Text("; " if k and not stack else "") + Text(f"{name}: ") + cell
        for note in notes:
            body.append(Padding(_fold(note, limit - 2), (0, 0, 0, 2)))
    if caption:
        body.append(Text(caption, style="dim"))
    if under and wide_hint:
        body.append(Text(WIDE_HINT, style="dim"))
    console.print(Group(*body))
    return bool(under)


WIDE_HINT = "--wide: every column in one table"
"""The line under a table whose columns did not all fit (see :func:`fit_table`)."""


def _fold(cell: Any, width: int | None) -> Any:
    """Chinese text wrapped by :func:`wrap_text` (Rich would break it anywhere, or only
    at spaces); other text is left to Rich."""
    return wrap_text(cell, width) if width and _has_wide(cell) else cell


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    csv = "csv"
    json = "json"


def resolve_store_path(value: Path | None) -> Path:
    """The store path: the command's ``--store``, else the root ``--store``, else the default."""
    if value is not None:
        return value
    if ROOT_OPTIONS.get("store") is not None:
        return Path(ROOT_OPTIONS["store"])
    return default_store_path()


@contextmanager
def open_store(value: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    """Open the store named by ``--store`` (or the default) for the duration of a command."""
    from aithesis.data.store import Store

    path = resolve_store_path(value)
    if read_only and not path.exists():
        from aithesis.errors import StoreError

        raise StoreError(
            "no store there yet",
            file=path,
            hint="check --store, or create one: aithesis data import FOLDER",
        )
    store = Store(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def coloured_pct(value: float | None) -> str:
    """A signed percentage with one decimal in Rich markup, green when >= 0, red below
    (``[green]+479.6%[/]``); ``-`` when missing."""
    if numfmt.is_missing(value):
        return numfmt.DASH
    colour = "green" if float(value) >= 0 else "red"  # type: ignore[arg-type]
    return f"[{colour}]{numfmt.percent(value, signed=True)}[/]"


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (no Rich markup, safe to pipe)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()
