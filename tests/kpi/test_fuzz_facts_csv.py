"""Fuzz the KPI facts CSV (issue 18 acceptance): whatever the file, exit 0 or 1, never 2.

Files are generated from a grammar: a header (sometimes with a missing, unknown or
repeated column), rows whose cells are drawn per column from valid values and hostile
ones (non-ASCII digits, ``1_000``, years 0000/9999, Rich markup, quotes and newlines,
a cell over the csv field limit, bad UTF-8), serialised properly or carelessly. Each
case goes through the real loader and the CLI's error handling (the ``kpi`` group under
the real root handler) and must: exit 0 or 1; print no traceback; leave the store
exactly as it was when it fails; and, when it succeeds, let ``kpi facts`` and
``kpi growth`` read the result (again 0 or 1). A few cases run the real ``aithesis``
command in a subprocess under a 1 GB memory limit (RLIMIT_DATA: heap and private
writable mappings; not RLIMIT_AS, which counts the address space glibc and DuckDB reserve
for their threads, 1.8-2.4 GB here while 0.3 GB is resident, so it failed about one run
in five with "cannot allocate memory for thread-local data") and 10 s of CPU
(RLIMIT_CPU: a CPU-bound hang is killed and fails the test); a 30 s wall-clock timeout
catches a blocked child without failing on a loaded 2-core CI machine, where the
interpreter alone can take 5 s to start. In-process cases have a 10 s deadline each.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aithesis.cli.kpi import app as kpi_app
from aithesis.cli.main import _AithesisGroup
from aithesis.data.store import Store
from aithesis.kpi.facts import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    article_facts_path,
    read_facts_csv,
    to_store_frame,
)
from aithesis.kpi.units import UNITS

runner = CliRunner()
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
HUGE = "x" * 140_000  # over csv's default field limit of 131,072
HOSTILE_TEXT = [
    "[/x]",
    "[bold]",
    "[/]",
    "[link=file:///etc/passwd]x[/link]",
    '"',
    '""',
    ",",
    "\n",
    "\r\n",
    "\x00",
    "\ufeff",
    "\u202e",
    "١٢٣",
    "１２３",
    "1_000",
    "nan",
    "-inf",
    "1e400",
    "0x10",
    " ",
]

# ----------------------------------------------------------------------------- grammar
text = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE_TEXT))
years = st.integers(min_value=0, max_value=9999).map(lambda y: f"{y:04d}")
near_years = st.integers(min_value=1895, max_value=2205).map(str)
period = st.one_of(
    st.builds(
        lambda fy, y, tail: f"{fy}{y}{tail}",
        st.sampled_from(["", "FY", "fy"]),
        st.one_of(near_years, years),
        st.sampled_from(["", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "H3", "Q5", "q1"]),
    ),
    st.sampled_from(["2025Q1", "2024Q4", "2024Q1", "FY2026Q1", "２０２５Q1", "0000Q1", "9999Q4"]),
    text,
)
date = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates(
        min_value=pd.Timestamp("2023-01-01").date(), max_value=pd.Timestamp("2026-12-31").date()
    ).map(lambda d: d.isoformat()),
    st.sampled_from(["", "2025-03-31", "2025-02-30", "20250331", "2025-W01-1", "２０２５-03-31"]),
    text,
)
value = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=10**9).map(lambda i: f"{i:_}"),
    st.integers(min_value=0, max_value=10**9).map(lambda i: f"{i:,}"),
    st.sampled_from(["246.12", "1e308", "1e-320", "-0", ".5", "7.", "1e", "+-1"]),
    text,
)
CELLS = {
    "entity": st.one_of(st.sampled_from(["acme", "alibaba", "meta", "ACME", "a b", ""]), text),
    "ticker": st.one_of(st.sampled_from(["ACME", "9988.HK", "META", ""]), text),
    "metric": st.one_of(st.sampled_from(["capex", "revenue", "Capex", ""]), text),
    "period": period,
    "period_start": date,
    "period_end": date,
    "value": value,
    "unit": st.one_of(st.sampled_from(sorted(UNITS)), st.sampled_from(["RMB_yi", ""]), text),
    "currency": st.one_of(st.sampled_from(["", "USD", "CNY", "RMB", "HKD", "EUR"]), text),
    "kind": st.one_of(
        st.sampled_from(["actual", "estimate", "guidance", "derived", "ACTUAL"]), text
    ),
    "source": st.one_of(st.sampled_from(["10-Q", "003_06e7966941b6a8a5.txt", "[/x] notes"]), text),
    "quote": text,
    "as_of": date,
    "note": text,
}


QUARTER_ENDS = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


@st.composite
def valid_row(draw: st.DrawFn) -> dict[str, str]:
    """A row the loader accepts; free-text cells may still hold markup, quotes, newlines."""
    year = draw(st.integers(min_value=1900, max_value=2200))
    quarter = draw(st.integers(min_value=1, max_value=4))
    as_of = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
    return {
        "entity": draw(st.sampled_from(["acme", "alibaba", "meta", "ACME"])),
        "ticker": draw(st.one_of(st.sampled_from(["ACME", "9988.HK", "META", ""]), text)),
        "metric": "capex",
        "period": f"{year}Q{quarter}",
        "period_start": "",
        "period_end": draw(st.sampled_from(["", f"{year}-{QUARTER_ENDS[quarter]}"])),
        "value": draw(
            st.one_of(
                st.floats(allow_nan=False, allow_infinity=False).map(repr),
                st.integers(min_value=-(10**20), max_value=10**20).map(str),
            )
        ),
        "unit": draw(st.sampled_from(["USD_M", "RMB_100M", "USD_bn"])),
        "currency": "",
        "kind": draw(st.sampled_from(["actual", "actual", "estimate", "guidance"])),
        "source": draw(
            st.one_of(st.sampled_from(["10-Q", "003_06e7966941b6a8a5.txt"]), text).map(
                lambda t: t if t.strip() else "src"
            )
        ),
        "quote": draw(text),
        "as_of": as_of.isoformat(),
        "note": draw(text),
    }


@st.composite
def row(draw: st.DrawFn, columns: list[str]) -> dict[str, str]:
    """A valid row with 0-2 cells swapped for hostile ones, or a row of any cells."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.fixed_dictionaries({c: CELLS.get(c.strip(), text) for c in columns}))
    cells = draw(valid_row())
    out = {c: cells.get(c.strip(), "") for c in columns}
    for column in draw(st.lists(st.sampled_from(columns), max_size=2)):
        out[column] = draw(CELLS.get(column.strip(), text))
    return out


@st.composite
def facts_file(draw: st.DrawFn) -> bytes:
    """Bytes of a (possibly broken) facts CSV."""
    columns = list(COLUMNS)
    header_shape = draw(
        st.sampled_from(
            ["all", "all", "all", "required", "shuffled", "missing", "unknown", "twice"]
        )
    )
    if header_shape == "required":
        columns = list(REQUIRED_COLUMNS)
    elif header_shape == "shuffled":
        columns = draw(st.permutations(columns))
    elif header_shape == "missing":
        columns.remove(draw(st.sampled_from(REQUIRED_COLUMNS)))
    elif header_shape == "unknown":
        columns.append(draw(st.sampled_from(["Value", "extra", " note ", "[/x]"])))
    elif header_shape == "twice":
        columns.append(draw(st.sampled_from(columns)))
    rows = draw(st.lists(row(columns), max_size=5))
    if rows and draw(st.integers(0, 24)) == 0:  # now and then, one cell over the field limit
        rows[-1][draw(st.sampled_from(columns))] = HUGE
    if draw(st.integers(0, 3)) > 0:  # careful: csv.writer quotes what needs quoting
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[r[c] for c in columns] for r in rows])
        body = out.getvalue()
    else:  # careless: joined with commas, cells may hold quotes and newlines
        sep = draw(st.sampled_from([",", ";", "\t"]))
        lines = [sep.join(columns), *(sep.join(r[c] for c in columns) for r in rows)]
        body = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    data = body.encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["bom", "gbk", "junk"]))
    if encoding == "bom":
        data = b"\xef\xbb\xbf" + data
    elif encoding == "gbk":
        data = body.encode("gbk", "replace")
    elif encoding == "junk":
        data = data + draw(st.binary(min_size=1, max_size=16))
    return data


# ----------------------------------------------------------------------------- harness
def root() -> typer.Typer:
    """The kpi group under a root with the real error handler (as cli/main.py mounts it)."""
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    app.add_typer(kpi_app, name="kpi")
    return app


APP = root()


def _loader_app() -> typer.Typer:
    """One command that runs only the real loader, under the real root error handler."""
    app = typer.Typer(cls=_AithesisGroup)

    @app.callback()
    def _cb() -> None:
        """root"""

    @app.command("load")
    def _load(file: Path) -> None:
        frame = to_store_frame(read_facts_csv(file))
        typer.echo(f"read {len(frame)} facts")

    return app


LOADER = _loader_app()
FUZZ = settings(
    deadline=10_000,  # every case under 10 s
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A store holding the 50 built-in article facts (copied for every case) and its facts."""
    path = tmp_path_factory.mktemp("fuzz-template") / "store.duckdb"
    result = runner.invoke(APP, ["kpi", "import", str(article_facts_path()), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path, _snapshot(path)


@contextlib.contextmanager
def _case(data: bytes, template: Path | None) -> Iterator[tuple[Path, Path]]:
    """A fresh temporary folder with ``facts.csv`` holding ``data`` and, from a template,
    a copy of its ``store.duckdb``: ``(file, store)``, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "facts.csv"
        file.write_bytes(data)
        store = Path(tmp) / "store.duckdb"
        if template is not None:
            shutil.copy(template, store)
        yield file, store


Case = Callable[[bytes], contextlib.AbstractContextManager[tuple[Path, Path]]]


@pytest.fixture(scope="module")
def new_file() -> Case:
    """``with new_file(data) as (file, _)``: a fresh facts file for each hypothesis
    example (function-scoped tmp_path is shared by all examples of a test)."""
    return lambda data: _case(data, None)


@pytest.fixture(scope="module")
def new_store(template: tuple[Path, pd.DataFrame]) -> Case:
    """``with new_store(data) as (file, store)``: the facts file plus a fresh copy of
    the template store, for each hypothesis example."""
    return lambda data: _case(data, template[0])


def _snapshot(path: Path) -> pd.DataFrame:
    store = Store(path, read_only=True)
    try:
        frame = store.fundamentals(latest_only=False)
    finally:
        store.close()
    return frame.sort_values(list(frame.columns)[:6]).reset_index(drop=True)


def _not_json(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def _check(result: object, what: str) -> None:
    output = result.output
    assert result.exit_code in (0, 1), f"{what}: exit {result.exit_code}\n{output[:2000]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{what}: {result.exception!r}"
    )
    assert "Traceback" not in output and "internal error" not in output, output[:2000]
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, f"{what}: {result.stderr[:2000]}"


@settings(FUZZ, max_examples=300)
@given(data=facts_file())
def test_the_loader_gives_exit_0_or_1_on_any_facts_csv(new_file: Case, data: bytes) -> None:
    with new_file(data) as (file, _):
        result = runner.invoke(LOADER, ["load", str(file)])
        _check(result, "load")
        event(f"exit {result.exit_code}")


@settings(FUZZ, max_examples=50)
@given(data=facts_file())
def test_kpi_import_changes_nothing_on_failure_and_reads_back_on_success(
    template: tuple[Path, pd.DataFrame], new_store: Case, data: bytes
) -> None:
    before = template[1]
    with new_store(data) as (file, store):
        result = runner.invoke(APP, ["kpi", "import", str(file), "--store", str(store)])
        _check(result, "kpi import")
        event(f"exit {result.exit_code}")
        if result.exit_code == 1:
            pd.testing.assert_frame_equal(_snapshot(store), before)  # all or nothing
            return
        reads = (
            ["facts"],
            ["facts", "-f", "json"],
            ["growth", "-e", "acme", "-f", "json"],
            ["growth", "-e", "alibaba"],
        )
        for args in reads:
            shown = runner.invoke(APP, ["kpi", *args, "--store", str(store)])
            _check(shown, f"kpi {args}")
            if shown.exit_code == 0 and "json" in args:
                json.loads(shown.stdout, parse_constant=_not_json)  # no NaN/Infinity


LIMITED = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_DATA, (2**30, 2**30))
resource.setrlimit(resource.RLIMIT_CPU, (10, 10))
sys.argv = ["aithesis", *sys.argv[1:]]
from aithesis.cli import main
main()
"""


@settings(FUZZ, max_examples=4, deadline=None)  # the subprocess has its own 10 s timeout
@given(data=facts_file())
def test_the_real_cli_under_1_gb_and_10_cpu_seconds(
    template: tuple[Path, pd.DataFrame], new_store: Case, data: bytes
) -> None:
    before = template[1]
    with new_store(data) as (file, store):
        done = subprocess.run(
            [sys.executable, "-c", LIMITED, "kpi", "import", str(file), "--store", str(store)],
            capture_output=True,
            text=True,
            timeout=30,  # wall-clock guard for a blocked child; RLIMIT_CPU bounds the work
            env={**os.environ, "COLUMNS": "120"},
        )
        assert done.returncode in (0, 1), done.stderr[-2000:]
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        if done.returncode == 1:
            assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
            pd.testing.assert_frame_equal(_snapshot(store), before)


def test_the_memory_limit_of_the_real_cli_cases_is_real() -> None:
    """The limit above bounds what a case may allocate: 2 GB in that child is refused."""
    prelude = LIMITED.split("sys.argv")[0]
    code = prelude + "try:\n    bytearray(2 * 2**30)\nexcept MemoryError:\n    print('refused')\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "refused", done.stderr
