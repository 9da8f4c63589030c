"""Worker process for ``test_fuzz_prices.py``: runs ``aithesis data import`` in-process,
one case per JSON line on stdin, one JSON result line on stdout.

It is started with ``RLIMIT_DATA`` = 1 GB (set here, before anything is imported) and
calls the real CLI app through Click's test runner, so the error handling is the CLI's
own (``error:`` exit 1, ``internal error`` exit 2). Each case gets a fresh copy of a
store holding one good ticker; the result says whether the store changed and how long
the case took. A case over 10 s is stopped by SIGALRM and reported as a timeout.

Not a test module (pytest collects ``test_*.py`` only).
"""

from __future__ import annotations

import base64
import hashlib
import json
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

LIMIT_BYTES = 1 << 30
resource.setrlimit(resource.RLIMIT_DATA, (LIMIT_BYTES, LIMIT_BYTES))

GOOD = (
    "date,open,high,low,close,adj_close,volume\n"
    "2024-01-02,10,11,9.5,10.5,,1000\n2024-01-03,10.5,11.5,10,11,,1200\n"
)


class CaseTimeout(BaseException):
    """Raised by SIGALRM: a BaseException, so no ``except Exception`` swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def snapshot(path: Path) -> str:
    """A digest of every row of every table an import could change (one connection)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for table, order in (
            ("prices", "ticker, date"),
            ("dividends", "ticker, ex_date"),
            ("fx", "pair, date"),
            ("series", "kind, name"),
        ):
            columns = "* EXCLUDE (imported_at)" if table == "series" else "*"
            rows = con.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()
            parts.append(repr(rows))
    finally:
        con.close()
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def main() -> None:
    from typer.testing import CliRunner

    from aithesis.cli.main import app

    work = Path(sys.argv[1])
    runner = CliRunner()
    good = work / "good" / "prices"
    good.mkdir(parents=True)
    (good / "GOOD.csv").write_text(GOOD)
    baseline = work / "baseline.duckdb"
    first = runner.invoke(app, ["data", "import", str(good.parent), "--store", str(baseline)])
    assert first.exit_code == 0, first.output
    signal.signal(signal.SIGALRM, _alarm)
    store = work / "store.duckdb"
    for n, line in enumerate(sys.stdin):
        case = json.loads(line)
        shutil.copyfile(baseline, store)
        folder = work / f"case{n}"
        for name, body in case["files"].items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(body))
        before = snapshot(store)
        started = time.perf_counter()
        result: dict[str, object] = {}
        signal.alarm(10)
        try:
            done = runner.invoke(
                app, ["data", "import", str(folder), "--store", str(store), *case["args"]]
            )
            signal.alarm(0)
            crash = done.exception is not None and not isinstance(done.exception, SystemExit)
            result = {
                "exit": done.exit_code,
                "stdout": done.stdout,
                "stderr": done.stderr,
                "crash": repr(done.exception) if crash else None,
            }
        except CaseTimeout:
            result = {"exit": None, "timeout": True}
        finally:
            signal.alarm(0)
        result["seconds"] = time.perf_counter() - started
        result["unchanged"] = snapshot(store) == before
        shutil.rmtree(folder, ignore_errors=True)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
