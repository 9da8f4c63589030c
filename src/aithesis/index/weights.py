"""Weighting rules, one pure function each (the counterparts of bt's ``Weigh*`` algos).

Every rule takes NumPy arrays over the ``N`` candidate names of one rebalance date and
returns a float64 array of ``N`` target weights that sum to 1 over the eligible names and
are 0 elsewhere (or all 0 when nothing is eligible: the index then holds cash). Weights
are fractions of index value, not percent. :func:`cap_weights` is applied after a rule,
as bt's ``LimitWeights`` is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from aithesis.errors import DataError, SpecError

__all__ = [
    "cap_weights",
    "equal_weights",
    "exposure_weights",
    "market_cap_weights",
    "proportional_weights",
    "theme_target_weights",
]


def _mask(eligible: np.ndarray) -> np.ndarray:
    mask = np.asarray(eligible, dtype=bool)
    if mask.ndim != 1:
        raise ValueError("eligible must be a 1-D boolean array")
    return mask


def equal_weights(eligible: np.ndarray) -> np.ndarray:
    """Equal weight ``1/n`` on each eligible name (bt's ``WeighEqually``).

    Args:
        eligible: ``(N,)`` bool, True for names that may be held on this date.

    Returns:
        ``(N,)`` weights: ``1/n`` on the ``n`` eligible names, 0 elsewhere.

    Edge cases:
        no eligible name -> all zeros; one name -> weight 1.
    """
    mask = _mask(eligible)
    n = int(mask.sum())
    out = np.zeros(mask.shape, dtype=np.float64)
    if n:
        out[mask] = 1.0 / n
    return out


def proportional_weights(values: np.ndarray, eligible: np.ndarray, *, what: str) -> np.ndarray:
    """Weights proportional to a non-negative score (market cap, exposure, ...).

    Args:
        values: ``(N,)`` non-negative scores; only eligible entries are read.
        eligible: ``(N,)`` bool mask.
        what: the name of the score, used in error messages.

    Returns:
        ``(N,)`` weights ``values / sum(values)`` over the eligible names.

    Raises:
        DataError: when an eligible score is NaN, infinite or negative, or when every
            eligible score is 0.

    Edge cases:
        no eligible name -> all zeros. Names with score 0 get weight 0.
    """
    mask = _mask(eligible)
    vals = np.asarray(values, dtype=np.float64)
    out = np.zeros(mask.shape, dtype=np.float64)
    if not mask.any():
        return out
    picked = vals[mask]
    bad = ~np.isfinite(picked) | (picked < 0)
    if bad.any():
        cols = np.flatnonzero(mask)[bad]
        raise DataError(
            f"{what} must be finite and >= 0 for every eligible name",
            field=what,
            hint=f"bad at column(s) {cols.tolist()}",
        )
    total = picked.sum()
    if total <= 0:
        raise DataError(f"every eligible name has {what} 0; weights are undefined", field=what)
    out[mask] = picked / total
    return out


def market_cap_weights(market_caps: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Weights proportional to market capitalisation (free float is not modelled).

    Args:
        market_caps: ``(N,)`` shares outstanding x price, in index currency.
        eligible: ``(N,)`` bool mask.

    Returns:
        ``(N,)`` cap-proportional weights over the eligible names.

    Raises:
        DataError: when an eligible name's market cap is missing (NaN) or negative.
    """
    return proportional_weights(market_caps, eligible, what="market_cap")


def exposure_weights(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Weights proportional to the AI-exposure score (0..1) of each name.

    Args:
        scores: ``(N,)`` AI-exposure scores in [0, 1].
        eligible: ``(N,)`` bool mask.

    Returns:
        ``(N,)`` weights ``score / sum(score)`` over the eligible names; a score of 0
        gives weight 0.

    Raises:
        DataError: when an eligible score is missing, or all are 0.
    """
    return proportional_weights(scores, eligible, what="ai_exposure")


def theme_target_weights(
    themes: Sequence[str | None], eligible: np.ndarray, targets: Mapping[str, float]
) -> np.ndarray:
    """Split each theme's target weight equally among its eligible names.

    Args:
        themes: ``(N,)`` the theme each name counts in (its first theme that has a
            target), or None for a name in no targeted theme (weight 0).
        eligible: ``(N,)`` bool mask.
        targets: theme -> target weight, summing to 1.

    Returns:
        ``(N,)`` weights: ``targets[theme] / n_theme`` for each eligible name.

    Edge cases:
        a theme with no eligible name on this date (e.g. before its stocks listed) has its
        target redistributed to the other themes pro rata to their targets; when no
        targeted theme has an eligible name the result is all zeros.
    """
    mask = _mask(eligible)
    if len(themes) != mask.size:
        raise ValueError("themes and eligible must have the same length")
    labels = np.array([t if t is not None else "" for t in themes], dtype=object)
    out = np.zeros(mask.shape, dtype=np.float64)
    live: dict[str, np.ndarray] = {}
    for theme, target in targets.items():
        members = mask & (labels == theme)
        if target > 0 and members.any():
            live[theme] = members
    total = sum(float(targets[t]) for t in live)
    if total <= 0:
        return out
    for theme, members in live.items():
        out[members] = float(targets[theme]) / total / members.sum()
    return out


def cap_weights(weights: np.ndarray, cap: float | None) -> np.ndarray:
    """Limit every weight to ``cap``; redistribute the excess pro rata, iterated.

    The counterpart of bt's ``LimitWeights`` (ffn's ``limit_weights``): each pass sets
    weights above ``cap`` to ``cap`` and gives the excess to the names below the cap in
    proportion to their current weights, until no weight exceeds the cap. Names with
    weight 0 stay at 0.

    Args:
        weights: ``(N,)`` non-negative weights summing to 1 (or all 0).
        cap: the single-name cap in (0, 1]; None or 1 leaves weights unchanged.

    Returns:
        ``(N,)`` capped weights, still summing to 1, each ``<= cap`` (to rounding).

    Raises:
        SpecError: (field ``weighting.cap``) when ``cap < 1/n`` for the ``n`` names with
            positive weight: no capped weights can sum to 1.

    Edge cases:
        all-zero weights -> returned unchanged; one name and ``cap < 1`` -> SpecError.
    """
    w = np.array(weights, dtype=np.float64)
    if cap is None or cap >= 1.0:
        return w
    if not cap > 0:
        raise SpecError(f"cap must be > 0, got {cap}", field="weighting.cap")
    positive = w > 0
    n = int(positive.sum())
    if n == 0:
        return w
    if cap * n < 1.0 - 1e-12:
        raise SpecError(
            f"cap {cap:g} is below 1/N = {1.0 / n:.4g} for {n} names: capped weights "
            "cannot sum to 1",
            field="weighting.cap",
            hint=f"raise the cap to at least {1.0 / n:.4g} or hold at least "
            f"{int(np.ceil(1.0 / cap - 1e-12))} names",
        )
    for _ in range(n + 1):
        over = w > cap
        if not over.any():
            break
        excess = float((w[over] - cap).sum())
        w[over] = cap
        under = (w < cap) & positive
        share = w[under].sum()
        if share <= 0:
            break
        w[under] += excess * w[under] / share
    return w
