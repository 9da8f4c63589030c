"""Benchmark: 1,000,000 Monte Carlo draws of the built-in nvda-5t model.

Times ``load_model("nvda-5t").monte_carlo(1_000_000, seed=...)`` against a hand-written
NumPy version of the same tree (same distributions, same generator, same draw order, every
intermediate computed) in the same run, and checks that both give the same market caps.
Targets (issue 5): < 0.5 s, and within 1.5x of the hand-written version.

Run: ``.venv/bin/python benchmarks/model_bench.py [--draws N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from aithesis.thesis import load_model

Z95 = 1.6448536269514722


def hand_written(n: int, seed: int) -> np.ndarray:
    """nvda-5t written by hand: the same draws in the same order as the YAML."""
    rng = np.random.default_rng(seed)
    dc_it_today, build_years = 1000.0, 5.0
    dc_it_increment = rng.uniform(200, 300, n)
    dc_it_tam = rng.triangular(1500, 2000, 2500, n)
    hw_life = rng.triangular(5, 7, 9, n)
    organic_growth = rng.uniform(0.07, 0.08, n)
    a, b = 1 + 4 * (0.75 - 0.6) / 0.25, 1 + 4 * (0.85 - 0.75) / 0.25
    nvda_share = 0.6 + 0.25 * rng.beta(a, b, n)
    net_margin = rng.triangular(0.45, 0.5, 0.55, n)
    mu, sigma = (np.log(25) + np.log(45)) / 2, (np.log(45) - np.log(25)) / (2 * Z95)
    pe = rng.lognormal(mu, sigma, n)
    _tam_buildup = dc_it_today + dc_it_increment * build_years
    replacement_rate = 1 / hw_life
    spend_rate = replacement_rate + organic_growth
    annual_spend = dc_it_tam * spend_rate
    dc_revenue = annual_spend * nvda_share
    dc_profit = dc_revenue * net_margin
    return dc_profit * pe


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    n, seed = args.draws, args.seed

    model = load_model("nvda-5t")
    ours = model.monte_carlo(n, seed=seed).values("market_cap")
    theirs = hand_written(n, seed)
    same = np.allclose(ours, theirs, rtol=1e-12, atol=0)

    t_model = best_of(lambda: model.monte_carlo(n, seed=seed), args.repeat)
    t_hand = best_of(lambda: hand_written(n, seed), args.repeat)
    ratio = t_model / t_hand
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    print(f"draws: {n:,}   best of {args.repeat}")
    print(f"aithesis monte_carlo: {t_model:.3f} s")
    print(f"hand-written NumPy:   {t_hand:.3f} s")
    print(f"ratio: {ratio:.2f}x   same draws: {same}")
    print(
        f"target < 0.5 s: {'PASS' if t_model < 0.5 else 'FAIL'}; "
        f"within 1.5x: {'PASS' if ratio <= 1.5 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
