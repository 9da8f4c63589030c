"""Benchmark: import all of the real sample data (prices, dividends, FX) into an empty store.

Run by hand:  .venv/bin/python benchmarks/import_bench.py [--repeat 5]
Target (issue 3): < 3 s on the project machine. Appends a line to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _machine import machine

from aithesis.config import sample_data_dir
from aithesis.data.api import import_dir
from aithesis.data.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = sample_data_dir()
    times, reimport = [], []
    rows = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "store.duckdb")
            start = time.perf_counter()
            report = import_dir(store, folder)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            import_dir(store, folder)
            reimport.append(time.perf_counter() - start)
            rows = store.counts()
    text = (
        f"\n## import_bench ({datetime.now(UTC):%Y-%m-%d})\n\n"
        f"- machine: {machine()}\n"
        f"- command: `python benchmarks/import_bench.py --repeat {args.repeat}`\n"
        f"- data: real sample data, {rows['prices']:,} price + {rows['dividends']:,} dividend"
        f" + {rows['fx']:,} FX rows ({len(report.tickers)} tickers)\n"
        f"- empty store: median {statistics.median(times):.2f} s (min {min(times):.2f} s);"
        f" re-import (idempotent upsert): median {statistics.median(reimport):.2f} s\n"
        f"- target (issue 3): < 3 s\n"
    )
    print(text)
    results = Path(__file__).with_name("RESULTS.md")
    if not results.exists():
        results.write_text(
            "# Benchmark results\n\nRun by hand; newest last. Synthetic data"
            " is always labelled synthetic.\n"
        )
    with results.open("a") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
