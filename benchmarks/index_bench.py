"""Index engine benchmark on SYNTHETIC prices: aithesis vs bt vs vectorbt.

SYNTHETIC DATA ONLY (a seeded geometric random walk, not market prices). The case: N
stocks x T trading days, quarterly rebalance, weights proportional to a random score
with a single-name cap of 2.5 / N (capped weights, excess redistributed pro rata).

Timed for aithesis: schedule + per-rebalance capped weights + the engine (levels,
daily weights, holdings, turnover). Peers run the same strategy on the same prices:
bt (``RunQuarterly, SelectAll, WeighByScore, LimitWeights, Rebalance``,
``integer_positions=False``) and vectorbt (``Portfolio.from_orders`` with target-percent
orders on the same rebalance rows, cash sharing, ``call_seq="auto"``); the script checks
that all three give the same levels before printing the ratios.

Run by hand (bt and vectorbt are the ``bench`` extra, not runtime dependencies)::

    .venv/bin/pip install vectorbt   # once
    .venv/bin/python benchmarks/index_bench.py            # 500 x 5040 with peers, 5000 x 7560 alone
    .venv/bin/python benchmarks/index_bench.py --peers-large   # also time peers on the large case

Results are appended to benchmarks/RESULTS.md (machine, command, date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _machine import machine

from aithesis.index.engine import eligible_mask, listing_window, run_index
from aithesis.index.schedule import rebalance_indices
from aithesis.index.weights import cap_weights, proportional_weights

SEED = 20221130
RESULTS = Path(__file__).with_name("RESULTS.md")


def synthetic_prices(n: int, t: int, *, churn: bool = False, seed: int = SEED):
    """SYNTHETIC: geometric random walk prices (T x N), business-day dates, scores.

    With ``churn`` a fifth of the names list late and a fifth stop trading early.
    """
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0003, 0.02, size=(t, n))
    prices = 50.0 * np.exp(np.cumsum(steps, axis=0))
    if churn:
        late = rng.choice(n, size=n // 5, replace=False)
        for j in late:
            prices[: rng.integers(1, t // 2), j] = np.nan
        early = rng.choice(np.setdiff1d(np.arange(n), late), size=n // 5, replace=False)
        for j in early:
            prices[rng.integers(t // 2, t - 1) :, j] = np.nan
    dates = pd.bdate_range("2000-01-03", periods=t).to_numpy().astype("datetime64[D]")
    scores = rng.lognormal(0.0, 1.0, size=n)
    return dates, prices, scores


def aithesis_index(dates, prices, scores, cap, *, daily_weights=True):
    """Schedule + capped score weights at each rebalance + engine."""
    rows = rebalance_indices(dates, "quarterly")
    first, last, _ = listing_window(prices)
    targets = np.empty((rows.size, prices.shape[1]))
    for k, r in enumerate(rows):
        ok = eligible_mask(first, last, int(r), prices.shape[0])
        targets[k] = cap_weights(proportional_weights(scores, ok, what="score"), cap)
    return run_index(prices, rows, targets, base_value=100.0, daily_weights=daily_weights), rows


def bt_index(dates, prices, scores, cap):
    import bt

    class WeighByScore(bt.Algo):
        def __init__(self, s):
            super().__init__()
            self.s = s

        def __call__(self, target):
            sel = target.temp["selected"]
            total = sum(self.s[c] for c in sel)
            target.temp["weights"] = {c: self.s[c] / total for c in sel}
            return True

    cols = [f"S{j:04d}" for j in range(prices.shape[1])]
    frame = pd.DataFrame(prices, index=pd.DatetimeIndex(dates), columns=cols)
    algos = [
        bt.algos.RunQuarterly(),
        bt.algos.SelectAll(),
        WeighByScore(dict(zip(cols, scores, strict=True))),
        bt.algos.LimitWeights(cap),
        bt.algos.Rebalance(),
    ]
    strategy = bt.Strategy("s", algos)
    res = bt.run(bt.Backtest(strategy, frame, integer_positions=False, progress_bar=False))
    return res.backtests["s"].strategy.prices.iloc[1:].to_numpy()


def vectorbt_index(dates, prices, rows, targets):
    import vectorbt as vbt

    size = np.full(prices.shape, np.nan)
    size[rows] = targets
    frame = pd.DataFrame(prices, index=pd.DatetimeIndex(dates))
    pf = vbt.Portfolio.from_orders(
        frame,
        pd.DataFrame(size, index=frame.index),
        size_type="targetpercent",
        group_by=True,
        cash_sharing=True,
        call_seq="auto",
        init_cash=100.0,
        freq="D",
    )
    return pf.value().to_numpy()


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run_case(n: int, t: int, peers: bool, lines: list[str]) -> None:
    dates, prices, scores = synthetic_prices(n, t)
    cap = 2.5 / n
    print(f"\nSYNTHETIC {n} stocks x {t} days, quarterly, score weights capped at {cap:.4g}")
    cold, (res, rows) = timed(lambda: aithesis_index(dates, prices, scores, cap))
    warm, _ = timed(lambda: aithesis_index(dates, prices, scores, cap), repeat=5)
    lean, _ = timed(lambda: aithesis_index(dates, prices, scores, cap, daily_weights=False), 5)
    print(f"  aithesis          {warm:8.4f} s (best of 5; first run {cold:.4f} s)")
    print(f"  aithesis, levels only (no T x N daily weights) {lean:8.4f} s")
    row = [
        f"| {n} x {t} | aithesis | {warm:.4f} | best of 5 (first {cold:.4f}); "
        f"levels-only {lean:.4f} |"
    ]
    churned = synthetic_prices(n, t, churn=True)
    churn_t, _ = timed(lambda: aithesis_index(*churned, cap), repeat=3)
    print(f"  aithesis with entries/exits (1/5 list late, 1/5 delist) {churn_t:8.4f} s")
    row.append(f"| {n} x {t} | aithesis, 20% entries + 20% exits | {churn_t:.4f} | best of 3 |")
    if peers:
        targets = np.vstack([cap_weights(scores / scores.sum(), cap) for _ in rows])
        vbt_cold, _ = timed(lambda: vectorbt_index(dates, prices, rows, targets))
        vbt_t, vbt_levels = timed(lambda: vectorbt_index(dates, prices, rows, targets))
        bt_t, bt_levels = timed(lambda: bt_index(dates, prices, scores, cap))
        ours = res.levels / 100.0
        d_bt = np.abs(ours / (bt_levels / 100.0) - 1).max()
        d_vbt = np.abs(ours / (vbt_levels / 100.0) - 1).max()
        print(
            f"  bt                {bt_t:8.4f} s   ratio bt/aithesis {bt_t / warm:8.0f}x   "
            f"max rel level diff {d_bt:.2e}"
        )
        print(
            f"  vectorbt          {vbt_t:8.4f} s   ratio vectorbt/aithesis {vbt_t / warm:8.0f}x "
            f"(first call incl. numba compile {vbt_cold:.2f} s)   max rel level diff {d_vbt:.2e}"
        )
        row.append(
            f"| {n} x {t} | bt 1.4.1 | {bt_t:.2f} | {bt_t / warm:.0f}x aithesis; "
            f"levels agree to {d_bt:.1e} |"
        )
        row.append(
            f"| {n} x {t} | vectorbt | {vbt_t:.2f} | {vbt_t / warm:.0f}x aithesis "
            f"(warm; first call {vbt_cold:.1f} s); levels agree to {d_vbt:.1e} |"
        )
    else:
        print("  peers not timed on this case (bt ~8 min, vectorbt ~10 min here; --peers-large)")
        row.append(f"| {n} x {t} | bt, vectorbt | - | not run (too slow; --peers-large) |")
    lines.extend(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers-large", action="store_true", help="time peers on 5000 x 7560")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    lines: list[str] = []
    run_case(500, 5040, True, lines)
    run_case(5000, 7560, args.peers_large, lines)
    if args.no_write:
        return
    command = ".venv/bin/python benchmarks/index_bench.py " + " ".join(sys.argv[1:])
    block = [
        "",
        f"## index engine (benchmarks/index_bench.py), {dt.date.today().isoformat()}",
        "",
        f"- machine: {machine()}",
        f"- command: `{command.strip()}`",
        "- data: SYNTHETIC geometric random walk (seed 20221130), quarterly rebalance, "
        "score weights capped at 2.5/N; targets 500 x 5040 <= 0.05 s, 5000 x 7560 < 1 s",
        "",
        "| case | engine | seconds | notes |",
        "|---|---|---|---|",
        *lines,
        "",
    ]
    header = "# Benchmark results\n" if not RESULTS.exists() else ""
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(header + "\n".join(block))
    print(f"\nappended to {RESULTS}")


if __name__ == "__main__":
    main()
