"""Power-law concentration of gains: top-k% share, Lorenz curve, Gini.

Article 002 (``seeds/002_*.txt``): in ten years ~1% of ~1,700 US tech companies (10-17
names) went from $2T to $18T while the sector went from $4.2T to $20T, "so the top 1%
made 99% of the gain". :func:`gain_share` computes that share from the four totals, and
:func:`top_share` from per-company gains.

Gains are in any one currency unit (or decimal contributions); they may be negative
(a loser), so a top group's share of the *net* gain can exceed 1.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["gain_share", "gini", "lorenz_curve", "top_share", "top_shares"]


def _values(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("expected a non-empty 1-D array")
    if np.isnan(arr).any():
        raise ValueError("values contain NaN")
    return arr


def gain_share(top_start: float, top_end: float, total_start: float, total_end: float) -> float:
    """Share of a group's total gain made by its top names, from four totals.

    Args:
        top_start, top_end: combined value of the top names at the start and end.
        total_start, total_end: value of the whole group at the start and end.

    Returns:
        ``(top_end - top_start) / (total_end - total_start)`` (decimal).

    Example (article 002's figures, $T): ``gain_share(2, 18, 4.2, 20)`` is 1.0127: the
    top names made *more* than the whole sector's net gain, which the article rounds to
    "99%".
    """
    total_gain = total_end - total_start
    if total_gain == 0:
        return float("nan")
    return (top_end - top_start) / total_gain


def top_share(gains: np.ndarray, fraction: float = 0.01) -> float:
    """Share of the net total gain made by the top ``fraction`` of names by gain.

    Args:
        gains: ``(N,)`` gain of each name (end value - start value, or contributions).
        fraction: the top share of names, in (0, 1]; ``ceil(fraction * N)`` names count
            (at least one).

    Returns:
        ``sum(top gains) / sum(all gains)``; NaN when the net gain is 0.
    """
    g = _values(gains)
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    k = max(1, math.ceil(fraction * g.size - 1e-9))
    total = g.sum()
    if total == 0:
        return float("nan")
    top = np.sort(g)[::-1][:k]
    return float(top.sum() / total)


def top_shares(gains: np.ndarray, fractions: tuple[float, ...] = (0.01, 0.05, 0.1, 0.2, 0.5)):
    """:func:`top_share` for several fractions, as ``{fraction: share}``."""
    return {f: top_share(gains, f) for f in fractions}


def lorenz_curve(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve of non-negative values.

    Args:
        values: ``(N,)`` non-negative values (e.g. positive gains or market caps).

    Returns:
        ``(x, y)``, each ``(N + 1,)``: cumulative share of names (smallest first) and
        cumulative share of the total, both from 0 to 1.

    Raises:
        ValueError: on negative values or a zero total.
    """
    v = _values(values)
    if (v < 0).any():
        raise ValueError("the Lorenz curve needs non-negative values")
    total = v.sum()
    if total <= 0:
        raise ValueError("the values sum to 0")
    y = np.concatenate(([0.0], np.cumsum(np.sort(v)) / total))
    x = np.arange(v.size + 1) / v.size
    return x, y


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: 0 equal, ``1 - 1/N`` all in one name.

    ``G = sum_i sum_j |v_i - v_j| / (2 N^2 mean(v))``, computed in ``O(N log N)`` from
    the sorted values; equals ``1 - 2 * area under the Lorenz curve``.
    """
    v = np.sort(_values(values))
    if (v < 0).any():
        raise ValueError("the Gini coefficient needs non-negative values")
    n = v.size
    total = v.sum()
    if total <= 0:
        raise ValueError("the values sum to 0")
    ranks = np.arange(1, n + 1)
    return float((2.0 * np.sum(ranks * v) / (n * total)) - (n + 1.0) / n)
