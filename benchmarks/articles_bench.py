"""Benchmark: extracting every quantitative statement of the five seed articles, and of a
20 MB text (the five articles repeated).

Targets (issue 16): the five articles together in < 1 s after import; the 20 MB file in
< 10 s. Reports wall and CPU time (the machine is shared: the load average is printed).

Run: ``.venv/bin/python benchmarks/articles_bench.py [--repeat R] [--no-big]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from _machine import machine

from aithesis.articles import extract
from aithesis.articles.api import seeds_dir


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-big", action="store_true", help="skip the 20 MB file")
    args = parser.parse_args()
    files = sorted(seeds_dir().glob("*.txt"))
    print(f"machine: {machine()}")
    print(f"load average (1 min) before the runs: {os.getloadavg()[0]:.2f}")
    runs = [timed(lambda: [extract(f) for f in files]) for _ in range(args.repeat)]
    count = sum(len(e) for e in runs[0][2])
    size = sum(f.stat().st_size for f in files)
    best = min(runs, key=lambda r: r[0])
    print(
        f"five articles ({size / 1e3:.0f} kB, {count} statements), best of {args.repeat}: "
        f"{best[0]:.3f} s wall, {best[1]:.3f} s cpu; target < 1 s: "
        f"{'PASS' if best[0] < 1 else 'FAIL'}"
    )
    if args.no_big:
        return
    text = "".join(f.read_text(encoding="utf-8") + "\n" for f in files)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.txt"
        path.write_text(text * (20_000_000 // len(text.encode()) + 1), encoding="utf-8")
        wall, cpu, result = timed(lambda: extract(path))
        print(
            f"20 MB text ({path.stat().st_size / 1e6:.1f} MB, {len(result)} statements): "
            f"{wall:.2f} s wall, {cpu:.2f} s cpu; target < 10 s: {'PASS' if wall < 10 else 'FAIL'}"
        )


if __name__ == "__main__":
    main()
