"""Monte Carlo with bounded memory: big runs are drawn in chunks; ordinary runs unchanged.

Reproduction of issue 18: ``draws: 10000000`` (the most a project accepts) needed over
4 GB for nvda-5t. Runs up to two million draws must give exactly the numbers they always
gave for a seed (checked against the draws made here directly with NumPy); bigger runs
keep exact means, standard deviations and P(target), and take percentiles from an evenly
spaced subsample.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import special

from aithesis.thesis import load_model

DEMO_SEED = 20221130  # the project template's seed (aithesis demo / init)


def _nvda_by_hand(n: int, seed: int) -> np.ndarray:
    """nvda-5t's market cap drawn directly with NumPy, drivers in file order."""
    rng = np.random.default_rng(seed)
    rng.uniform(200, 300, n)  # dc_it_increment: drawn, not used by market_cap
    tam = rng.triangular(1500, 2000, 2500, n)
    life = rng.triangular(5, 7, 9, n)
    growth = rng.uniform(0.07, 0.08, n)
    width = 0.85 - 0.6
    share = 0.6 + width * rng.beta(1 + 4 * 0.15 / width, 1 + 4 * 0.10 / width, n)
    margin = rng.triangular(0.45, 0.50, 0.55, n)
    z95 = special.ndtri(0.95)
    lo, hi = math.log(25), math.log(45)
    pe = rng.lognormal((lo + hi) / 2, (hi - lo) / (2 * z95), n)
    return tam * (1 / life + growth) * share * margin * pe


@pytest.mark.parametrize(("n", "seed"), [(100_000, DEMO_SEED), (100_000, 1), (2_000_000, 3)])
def test_ordinary_runs_give_the_same_numbers_as_ever(n: int, seed: int) -> None:
    res = load_model("nvda-5t").monte_carlo(n, seed=seed, target="market_cap>=5000")
    expected = _nvda_by_hand(n, seed)
    assert len(res.values()) == n  # every draw kept (passes on the old code too)
    np.testing.assert_allclose(res.values(), expected, rtol=1e-12)
    assert res.probability == float(np.mean(expected >= 5000))
    assert res.mean == pytest.approx(float(np.mean(expected)), rel=1e-12)
    assert res.percentiles()["p50"] == pytest.approx(float(np.median(expected)), rel=1e-12)
    if seed == DEMO_SEED:
        assert f"{res.probability:.1%}" == "63.2%"  # what the demo prints


def test_a_chunked_run_streams_exact_moments_and_subsamples(monkeypatch) -> None:
    """Small chunk sizes; the draws are remade chunk by chunk with NumPy to compare."""
    from aithesis.thesis import chunked

    monkeypatch.setattr(chunked, "CHUNK", 7_000)
    monkeypatch.setattr(chunked, "KEEP", 5_000)
    monkeypatch.setattr("aithesis.thesis.sensitivity.EXACT_UP_TO", 10_000)
    n, seed = 50_003, 11
    res = load_model("nvda-5t").monte_carlo(n, seed=seed, target="market_cap>=5000")
    assert res.subsampled and res.n == n
    # the same generator, chunk after chunk
    rng = np.random.default_rng(seed)
    parts = []
    for start in range(0, n, 7_000):
        m = min(7_000, n - start)
        parts.append(_chunk_by_hand(m, rng))
    full = np.concatenate(parts)
    stride = math.ceil(n / 5_000)
    np.testing.assert_allclose(res.values(), full[::stride], rtol=1e-12)
    assert res.probability == float(np.mean(full >= 5000))  # exact over every draw
    assert res.mean == pytest.approx(float(np.mean(full)), rel=1e-12)
    assert res.std == pytest.approx(float(np.std(full, ddof=1)), rel=1e-9)
    frame = res.to_frame().set_index("name")
    assert frame.loc["market_cap", "mean"] == pytest.approx(float(np.mean(full)), rel=1e-12)
    assert res.percentiles()["p50"] == float(np.median(full[::stride]))
    counts, _ = res.histogram(bins=20)
    assert counts.sum() == pytest.approx(n)  # counts scaled to all draws


def _chunk_by_hand(m: int, rng: np.random.Generator) -> np.ndarray:
    rng.uniform(200, 300, m)
    tam = rng.triangular(1500, 2000, 2500, m)
    life = rng.triangular(5, 7, 9, m)
    growth = rng.uniform(0.07, 0.08, m)
    width = 0.85 - 0.6
    share = 0.6 + width * rng.beta(1 + 4 * 0.15 / width, 1 + 4 * 0.10 / width, m)
    margin = rng.triangular(0.45, 0.50, 0.55, m)
    lo, hi = math.log(25), math.log(45)
    pe = rng.lognormal((lo + hi) / 2, (hi - lo) / (2 * special.ndtri(0.95)), m)
    return tam * (1 / life + growth) * share * margin * pe


def test_ten_million_draws_fit_in_1_5_gb() -> None:
    """The most a project accepts, in a child limited to 1.5 GB of address space."""
    code = textwrap.dedent(
        """\
        import resource
        limit = 1536 * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from aithesis.thesis import load_model
        res = load_model("nvda-5t").monte_carlo(10_000_000, seed=5, target="market_cap>=5000")
        print(res.n, len(res.values()), res.probability, res.mean, res.percentiles()["p50"])
        res.contribution(); res.to_frame()
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    n, kept, prob, mean, p50 = done.stdout.split()
    assert (int(n), int(kept)) == (10_000_000, 1_000_000)
    # against a whole two-million run of the same model (different seed): within 4 SE
    ref = load_model("nvda-5t").monte_carlo(2_000_000, seed=6, target="market_cap>=5000")
    se_p = math.sqrt(ref.probability * (1 - ref.probability) / 2_000_000)
    assert abs(float(prob) - ref.probability) < 4 * se_p
    assert abs(float(mean) - ref.mean) < 4 * ref.std / math.sqrt(2_000_000)
    assert float(p50) == pytest.approx(ref.percentiles()["p50"], rel=2e-3)
