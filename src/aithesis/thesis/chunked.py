"""Monte Carlo runs too big to hold in memory: draw in chunks, keep a fixed subsample.

Runs of up to :data:`EXACT_UP_TO` draws keep every draw of every name
(:func:`aithesis.thesis.sensitivity.monte_carlo` draws them in one go, so a seed gives the
same numbers as it always has). Beyond that, holding every draw of every name needs
``n x names x 8`` bytes (over 4 GB for 10 million draws of ``nvda-5t``), so the draws
are made :data:`CHUNK` rows at a time from the same seeded generator and:

* **exact over all n draws** (streamed): the mean and standard deviation of every name
  (Chan et al.'s pairwise update of count, mean and sum of squared deviations), the
  probability of the target (a count of hits) and the check that every output draw is
  finite;
* **from a systematic subsample**: every ``stride``-th draw, ``stride = ceil(n / KEEP)``,
  at most :data:`KEEP` rows (the same rows for every name, so correlations hold): the
  percentiles, the histogram (counts scaled to ``n``) and the variance contributions. The
  draws are independent and identically distributed, so these rows are a simple random
  sample of the run; with a million rows a percentile's sampling error is about
  ``sqrt(q (1-q) / 1e6) / density``, e.g. 0.05% of the probability mass at the median.

Memory stays at a few hundred MB whatever ``n`` (chunk plus subsample).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import FormulaError
from aithesis.thesis.montecarlo import sample_drivers

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.compiled import CompiledModel
    from aithesis.thesis.spec import CorrelationSpec

__all__ = ["CHUNK", "EXACT_UP_TO", "KEEP", "ChunkedDraws", "Moments", "draw_chunked"]

EXACT_UP_TO = 2_000_000
"""Largest run kept whole (every draw of every name; also the dashboard's maximum)."""
CHUNK = 1_000_000
"""Rows drawn at a time in a bigger run."""
KEEP = 1_000_000
"""Most rows kept (an evenly spaced subsample) for percentiles, histogram, contributions."""


@dataclass
class Moments:
    """Running count, mean and sum of squared deviations (``m2``) of one name."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: np.ndarray) -> None:
        """Merge a chunk (Chan, Golub & LeVeque's pairwise update)."""
        m = int(values.size)
        if m == 0:
            return
        mu = float(np.mean(values))
        m2 = float(np.sum((values - mu) ** 2))
        total = self.count + m
        delta = mu - self.mean
        self.mean += delta * m / total
        self.m2 += m2 + delta * delta * self.count * m / total
        self.count = total

    def add_constant(self, value: float, m: int) -> None:
        """Merge ``m`` copies of one value (a fixed driver)."""
        total = self.count + m
        delta = value - self.mean
        self.mean += delta * m / total
        self.m2 += delta * delta * self.count * m / total
        self.count = total

    @property
    def std(self) -> float:
        """Sample standard deviation (``ddof=1``; 0 for a single draw)."""
        return math.sqrt(max(self.m2, 0.0) / (self.count - 1)) if self.count > 1 else 0.0


@dataclass
class ChunkedDraws:
    """What a chunked run keeps: the subsample, exact moments and the target's hits."""

    samples: dict[str, np.ndarray]
    moments: dict[str, tuple[float, float]]
    uncertain: tuple[str, ...]
    hits: int = 0
    kept_rows: int = 0
    stride: int = 1


def draw_chunked(
    model: CompiledModel,
    n: int,
    rng: np.random.Generator,
    output: str,
    fixed: Mapping[str, float],
    correlations: Sequence[CorrelationSpec],
    target: tuple[str, str, float] | None,
    hits_of: Any,
) -> ChunkedDraws:
    """Draw ``n`` rows in chunks of :data:`CHUNK`; see the module docstring.

    Args:
        model: the compiled model.
        n: total draws (> :data:`EXACT_UP_TO`, though any n >= 1 works).
        rng: the seeded generator (consumed chunk after chunk).
        output: the name whose draws must all be finite.
        fixed: drivers held at a value (the scenario's).
        correlations: the model's rank correlations.
        target: ``(name, op, value)`` already resolved, or None.
        hits_of: ``(draws, op, value) -> bool array`` (the same rule as a whole run).

    Raises:
        FormulaError: some output draws are not finite (the count over all n draws).
    """
    stride = max(1, math.ceil(n / KEEP))
    moments: dict[str, Moments] = {}
    parts: dict[str, list[np.ndarray]] = {}
    uncertain: tuple[str, ...] = ()
    hits = bad = 0
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        env = sample_drivers(model.spec.drivers, m, rng, correlations, fixed, file=model.file)
        if start == 0:
            uncertain = tuple(d for d in model.drivers if np.ndim(env[d]) > 0)
        out = model.run(env)
        first = (-start) % stride  # first row of this chunk on the global stride
        for name, value in out.items():
            acc = moments.setdefault(name, Moments())
            if np.ndim(value) == 0:
                acc.add_constant(float(value), m)
                kept = np.full(len(range(first, m, stride)), float(value))
            else:
                values = np.broadcast_to(np.asarray(value, dtype=float), (m,))
                acc.add(values)
                kept = np.array(values[first::stride])
            parts.setdefault(name, []).append(kept)
        values = np.broadcast_to(np.asarray(out[output], dtype=float), (m,))
        bad += int(np.sum(~np.isfinite(values)))
        if target is not None:
            name, op, value = target
            draws = np.broadcast_to(np.asarray(out[name], dtype=float), (m,))
            hits += int(np.count_nonzero(hits_of(draws, op, value)))
        del env, out
    if bad:
        raise FormulaError(
            f"{bad} of {n} draws are not finite (division by zero?)",
            file=model.file,
            field=f"formulas.{output}",
            hint="narrow the ranges of drivers that can reach zero",
        )
    samples = {name: np.concatenate(chunks) for name, chunks in parts.items()}
    return ChunkedDraws(
        samples=samples,
        moments={k: (v.mean, v.std) for k, v in moments.items()},
        uncertain=uncertain,
        hits=hits,
        kept_rows=len(samples[output]),
        stride=stride,
    )
