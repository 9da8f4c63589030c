"""Contribution to return, by stock and by group (theme), that adds up exactly.

The contribution of stock ``i`` on day ``t`` is its profit in index points divided by the
starting level: ``L[t-1] * w[t-1, i] * r[t, i] / L[0]``, with ``w`` the end-of-day
weights (after trades) and ``r`` the stock's simple return. Summed over stocks it is the
day's change in level before costs; summed over days it telescopes, so

    sum(stock contributions) + cost contribution == L[T-1] / L[0] - 1

exactly (no linking approximation): these are contributions to the *cumulative* return
of the period, in decimal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "cost_contribution",
    "daily_contributions",
    "group_contributions",
    "stock_contributions",
]


def daily_contributions(levels: np.ndarray, weights: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Each stock's contribution on each day, as a fraction of the starting level.

    Args:
        levels: ``(T,)`` index levels (after each day's trades and costs).
        weights: ``(T, N)`` end-of-day weights (after trades).
        prices: ``(T, N)`` prices in index currency; NaN where not listed.

    Returns:
        ``(T, N)``; row 0 is 0 (nothing held before the base close).
    """
    lv = np.asarray(levels, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    px = np.asarray(prices, dtype=np.float64)
    if w.shape != px.shape or lv.shape != (px.shape[0],):
        raise ValueError("levels (T,), weights (T, N) and prices (T, N) must agree")
    out = np.zeros_like(px)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = px[1:] / px[:-1] - 1.0
    held = w[:-1] > 0
    out[1:] = np.where(held, lv[:-1, None] * w[:-1] * np.where(held, r, 0.0), 0.0) / lv[0]
    return out


def stock_contributions(levels: np.ndarray, weights: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Each stock's contribution to the cumulative return over the whole path.

    Returns:
        ``(N,)`` decimal contributions; with :func:`cost_contribution` they sum to
        ``levels[-1] / levels[0] - 1``.
    """
    return daily_contributions(levels, weights, prices).sum(axis=0)


def cost_contribution(levels: np.ndarray, costs: np.ndarray) -> float:
    """Total trading costs as a (negative) contribution to the cumulative return.

    Args:
        levels: ``(T,)`` levels after costs, except row 0: the base level is the capital
            *before* the launch purchase, whose cost (``costs[0]``, with the index's
            ``costs_on_launch``) is paid out of it.
        costs: ``(T,)`` costs as a fraction of each day's pre-trade level.
    """
    lv = np.asarray(levels, dtype=np.float64)
    c = np.asarray(costs, dtype=np.float64)
    pre = lv / (1.0 - c)
    if pre.size:
        pre[0] = lv[0]
    return float(-(c * pre).sum() / lv[0])


def group_contributions(
    contributions: np.ndarray, groups: Sequence[str | None], *, missing: str = "(none)"
) -> dict[str, float]:
    """Sum stock contributions by group label (e.g. each stock's theme).

    Args:
        contributions: ``(N,)`` per-stock contributions.
        groups: ``(N,)`` label of each stock; None is reported as ``missing``.

    Returns:
        ``{group: contribution}`` in order of first appearance; sums to the input's sum.
    """
    c = np.asarray(contributions, dtype=np.float64)
    if len(groups) != c.size:
        raise ValueError("contributions and groups must have the same length")
    out: dict[str, float] = {}
    for label, value in zip(groups, c, strict=True):
        key = missing if label is None else str(label)
        out[key] = out.get(key, 0.0) + float(value)
    return out
