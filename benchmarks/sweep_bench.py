"""Sweep benchmark: serial vs a 2-worker Dask LocalCluster.

Two workloads:

* model: nvda-5t over a 1,000-point grid (``nvda_share`` 0.5..0.9 x 40, ``pe`` 20..50 x 25)
  with 100,000 Monte Carlo draws per point and P(market_cap >= 5000): 10^8 draws in all;
* index: 200 variants of the built-in ``agix`` methodology on the real sample data
  (``weighting.cap`` 10 values x ``rebalance`` 4 x ``costs_bps`` 5), metrics vs QQQ.

Each is run serially and on the ``LocalCluster(n_workers=2, threads_per_worker=1)`` that
``cluster="local:2"`` starts (:func:`aithesis.sweep.open_executor`); the
script checks the cluster's table is identical to the serial one before printing. Cluster
times are shown three ways: the sweep on an already running cluster (first run, when the
workers still import aithesis, and a second, warm run), and end to end with
``cluster="local:2"`` (start the cluster, run, close it). CPU seconds (this process plus
the workers') are shown next to wall time: on a shared machine the wall-time ratio moves
with other jobs' load, the CPU seconds much less.

Run by hand (needs the ``dask`` extra)::

    .venv/bin/python benchmarks/sweep_bench.py            # full size, appends to RESULTS.md
    .venv/bin/python benchmarks/sweep_bench.py --quick    # 100 points x 10,000 draws, no append

Results are appended to benchmarks/RESULTS.md (machine, command, date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from _machine import cpu_model

RESULTS = Path(__file__).with_name("RESULTS.md")
INDEX_GRID = {
    "weighting.cap": [0.06, 0.07, 0.08, 0.09, 0.10, 0.12, 0.15, 0.20, 0.25, None],
    "rebalance": ["monthly", "quarterly", "semiannual", "annual"],
    "costs_bps": [0, 5, 10, 20, 50],
}


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    out = fn()
    return time.perf_counter() - began, out


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _timed_cpu(fn: Callable[[], Any], client: Any = None) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds (this process plus the cluster's workers) and the result."""

    def workers() -> float:
        return sum(client.run(_cpu_seconds).values()) if client is not None else 0.0

    cpu0, w0 = _cpu_seconds(), workers()
    wall, out = _timed(fn)
    return wall, _cpu_seconds() - cpu0 + workers() - w0, out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return True


def _row(
    label: str, serial: tuple[float, float], times: dict[str, tuple[float, float]], same: bool
) -> list[str]:
    lines = [f"{label}", f"  {'serial:':<31s} {serial[0]:7.2f} s wall  {serial[1]:7.2f} s cpu"]
    for name, (wall, cpu) in times.items():
        shown = f"{cpu:7.2f} s cpu" if cpu == cpu else " " * 13
        lines.append(
            f"  {name:<31s} {wall:7.2f} s wall  {shown}   speed-up {serial[0] / wall:5.2f}x"
        )
    lines.append(f"  cluster table identical to serial: {same}")
    return lines


def run(quick: bool) -> list[str]:
    """Time both workloads; returns the report lines."""
    from aithesis.config import sample_data_dir
    from aithesis.data.api import import_dir
    from aithesis.data.store import Store
    from aithesis.sweep import open_executor, run_index_sweep, run_model_sweep

    n_x, n_y, draws = (10, 10, 10_000) if quick else (40, 25, 100_000)
    model_grid = {"nvda_share": f"0.5:0.9:{n_x}", "pe": f"20:50:{n_y}"}
    model_kw = {"draws": draws, "seed": 2022, "target": "market_cap>=5000"}
    index_grid = dict(INDEX_GRID)
    if quick:
        index_grid["weighting.cap"] = index_grid["weighting.cap"][:2]
    n_index = 1
    for values in index_grid.values():
        n_index *= len(values)

    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    store = Store(tmp / "store.duckdb")
    import_dir(store, sample_data_dir())

    lines = [
        f"machine: {platform.machine()}, {cpu_model()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}",
    ]
    nan = float("nan")
    load = os.getloadavg()[0]
    t_model, c_model, serial_model = _timed_cpu(
        lambda: run_model_sweep("nvda-5t", model_grid, **model_kw)
    )
    t_index, c_index, serial_index = _timed_cpu(
        lambda: run_index_sweep("agix", index_grid, store=store)
    )
    opened = open_executor("local:2")  # what cluster="local:2" starts
    t_start, executor = _timed(opened.__enter__)
    try:
        client = executor.client
        m1 = _timed_cpu(
            lambda: run_model_sweep("nvda-5t", model_grid, cluster=client, **model_kw), client
        )
        m2 = _timed_cpu(
            lambda: run_model_sweep("nvda-5t", model_grid, cluster=client, **model_kw), client
        )
        i1 = _timed_cpu(
            lambda: run_index_sweep("agix", index_grid, store=store, cluster=client), client
        )
        i2 = _timed_cpu(
            lambda: run_index_sweep("agix", index_grid, store=store, cluster=client), client
        )
    finally:
        opened.__exit__(None, None, None)
    t_m3, _ = _timed(lambda: run_model_sweep("nvda-5t", model_grid, cluster="local:2", **model_kw))
    t_i3, _ = _timed(lambda: run_index_sweep("agix", index_grid, store=store, cluster="local:2"))
    store.close()
    dask_model, dask_index = m1[2], i1[2]
    lines.append(f"load average (1 min) before the runs: {load:.2f} on {os.cpu_count()} cpus")
    lines.append(f"LocalCluster(2) start: {t_start:.2f} s")
    lines += _row(
        f"model: nvda-5t, {n_x * n_y:,} points x {draws:,} draws "
        f"({n_x * n_y * draws:,} draws), P(market_cap>=5000)",
        (t_model, c_model),
        {
            "LocalCluster(2), first run:": m1[:2],
            "LocalCluster(2), warm run:": m2[:2],
            'cluster="local:2" end to end:': (t_m3, nan),
        },
        _same(serial_model.table, dask_model.table),
    )
    lines += _row(
        f"index: agix, {n_index} variants (cap x rebalance x costs_bps), real sample data, "
        "metrics vs QQQ",
        (t_index, c_index),
        {
            "LocalCluster(2), first run:": i1[:2],
            "LocalCluster(2), warm run:": i2[:2],
            'cluster="local:2" end to end:': (t_i3, nan),
        },
        _same(serial_index.table, dask_index.table),
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, no RESULTS.md")
    args = parser.parse_args()
    lines = run(args.quick)
    text = "\n".join(lines)
    print(text)
    if args.quick:
        return
    command = (
        "`.venv/bin/python benchmarks/sweep_bench.py"
        + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
        + "`"
    )
    entry = (
        f"\n## sweep_bench: model and index sweeps, serial vs LocalCluster(2) "
        f"({dt.date.today().isoformat()})\n"
        f"- machine: {cpu_model()}, {os.cpu_count()} cores (`nproc`), shared with other jobs\n"
        f"- command: {command}\n"
        "- workloads: nvda-5t over 1,000 grid points x 100,000 draws (P(market_cap>=5000));\n"
        "  agix x 200 rule variants on the real sample data. Cluster tables are checked\n"
        "  identical to the serial ones. 'first run' includes the workers importing\n"
        "  aithesis/NumPy/SciPy; 'end to end' also starts and closes the cluster; cpu is\n"
        "  this process plus the workers.\n\n```\n" + text + "\n```\n"
    )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(entry)


if __name__ == "__main__":
    main()
