"""Exposure test: does performance rise with AI exposure? (article 002).

Article 002 claims "the more AI content an index has, the better it did". The test sorts
names into AI-exposure buckets, builds one index per bucket (done by
:func:`aithesis.index.api.exposure_test`), and asks whether bucket returns increase with
exposure, measured by Spearman's rank correlation (``scipy.stats.spearmanr``) between
bucket order and bucket return, and by the share of adjacent bucket pairs in order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["ExposureTest", "assign_buckets", "monotonicity"]


def assign_buckets(scores: np.ndarray, edges: tuple[float, ...] = (0.0, 0.4, 0.7, 1.0)):
    """Bucket number of each score for the given edges (lowest bucket 0).

    Args:
        scores: ``(N,)`` AI-exposure scores in [0, 1] (NaN -> bucket -1).
        edges: increasing bucket edges; bucket ``k`` holds ``edges[k] <= s < edges[k+1]``,
            the last bucket also holds ``s == edges[-1]``.

    Returns:
        ``(N,)`` int bucket numbers; -1 for NaN or out-of-range scores.
    """
    s = np.asarray(scores, dtype=np.float64)
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError("edges must be at least two increasing numbers")
    idx = np.searchsorted(e, s, side="right") - 1
    idx = np.where(s == e[-1], e.size - 2, idx)
    bad = np.isnan(s) | (s < e[0]) | (s > e[-1])
    return np.where(bad, -1, idx).astype(np.intp)


@dataclass(frozen=True)
class ExposureTest:
    """Result of :func:`monotonicity`.

    Attributes:
        labels: bucket labels, lowest exposure first.
        returns: the statistic per bucket (e.g. annualised return), same order.
        spearman: rank correlation of bucket order with the statistic (-1..1).
        p_value: two-sided p-value of the Spearman test (few buckets -> weak evidence).
        ordered_pairs: share of adjacent bucket pairs whose statistic increases (0..1).
    """

    labels: tuple[str, ...]
    returns: tuple[float, ...]
    spearman: float
    p_value: float
    ordered_pairs: float

    @property
    def monotonic_increasing(self) -> bool:
        """True when every bucket did better than the one below it."""
        return self.ordered_pairs == 1.0


_EXACT_MAX = 8  # buckets up to which the p-value is exact (8! = 40,320 orderings)


def _exact_p(values: np.ndarray, rho: float) -> float:
    """Two-sided permutation p-value of Spearman's rho: the share of all orderings of the
    buckets whose |rho| is at least the observed one (exact; the asymptotic p-value is
    meaningless for a handful of buckets: 3 perfectly ordered buckets give 2/6, not 0)."""
    from itertools import permutations

    ranks = stats.rankdata(values)
    centred = np.arange(values.size) - (values.size - 1) / 2
    perms = np.array(list(permutations(ranks)))
    spread = np.sqrt(np.sum(centred**2) * np.sum((ranks - ranks.mean()) ** 2))
    if spread == 0:
        return 1.0
    rhos = (perms - ranks.mean()) @ centred / spread
    return float(np.mean(np.abs(rhos) >= abs(rho) - 1e-12))


def monotonicity(labels: tuple[str, ...], values: np.ndarray) -> ExposureTest:
    """Is the statistic increasing with exposure across the ordered buckets?

    Args:
        labels: bucket labels, lowest exposure first.
        values: ``(B,)`` one statistic per bucket (e.g. annualised return), same order.

    Returns:
        :class:`ExposureTest` with rho from ``scipy.stats.spearmanr(range(B), values)``
        and, for up to 8 buckets, the exact two-sided permutation p-value (scipy's
        asymptotic one beyond that).

    Raises:
        ValueError: with fewer than two buckets or NaN values.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or v.size < 2 or v.size != len(labels):
        raise ValueError("need at least two buckets with one value each")
    if np.isnan(v).any():
        raise ValueError("a bucket value is NaN")
    rho, p = stats.spearmanr(np.arange(v.size), v)
    if v.size <= _EXACT_MAX:
        p = _exact_p(v, float(rho))
    ordered = float(np.mean(np.diff(v) > 0))
    return ExposureTest(tuple(labels), tuple(float(x) for x in v), float(rho), float(p), ordered)
