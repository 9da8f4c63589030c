"""The one input policy of every performance metric: NaN, degenerate and edge inputs.

**Returns** (``returns``, ``benchmark``): a NaN return is a period without an observation
and is *dropped* before computing, pairwise for two series (a period is kept only when
both returns are present), as empyrical and quantstats do: a leading NaN from
``pct_change`` never poisons a Sharpe ratio. Time-indexed outputs (levels, rolling
windows, calendar years) keep their length instead: a NaN return compounds as no change.

**Levels** (``levels``): NaN rows are dropped (functions returning rows refer to the
original positions); a negative level, or a first level that is not positive, is refused
with a :class:`~aithesis.errors.DataError` naming ``levels`` (a level may fall to 0
after a positive start: a total loss).

**Degenerate inputs** give NaN, never a huge number: fewer than 2 returns for a
dispersion or ratio; a standard deviation (or downside deviation) negligible against the
mean, ``sd <= 1e-10 * |mean|`` (constant returns leave ``np.std`` rounding residue of
~1e-17, which an exact ``sd == 0`` test misses and turns a Sharpe ratio into ~1e17); a
compounded growth factor below 0 raised to a fractional power; a result overflowing a
float. Malformed arguments (not 1-D, different lengths, a bad window) raise a
:class:`~aithesis.errors.DataError` naming the argument.
"""

from __future__ import annotations

import numpy as np

from aithesis.errors import DataError

__all__ = ["RTOL", "as_1d", "clean_levels", "clean_pair", "clean_returns", "negligible", "power"]

RTOL = 1e-10
"""A dispersion at or below ``RTOL`` x its scale counts as none (NaN results)."""


def as_1d(values: np.ndarray, name: str = "returns") -> np.ndarray:
    """``values`` as a 1-D float64 array (NaN kept).

    Raises:
        DataError: not 1-D, or not numeric (naming ``name``).
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError("expected numbers", field=name) from None
    if arr.ndim != 1:
        raise DataError(f"expected a 1-D array, got {arr.ndim} dimensions", field=name)
    return arr


def clean_returns(values: np.ndarray, name: str = "returns") -> np.ndarray:
    """The non-NaN returns of ``values`` (NaN periods dropped)."""
    arr = as_1d(values, name)
    return arr[~np.isnan(arr)]


def clean_pair(returns: np.ndarray, benchmark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both series on the periods where neither is NaN (pairwise drop).

    Raises:
        DataError: the lengths differ (naming ``benchmark``).
    """
    r, b = as_1d(returns, "returns"), as_1d(benchmark, "benchmark")
    if r.shape != b.shape:
        raise DataError(
            f"returns ({r.size}) and benchmark ({b.size}) differ in length", field="benchmark"
        )
    keep = ~(np.isnan(r) | np.isnan(b))
    return r[keep], b[keep]


def clean_levels(levels: np.ndarray, name: str = "levels") -> tuple[np.ndarray, np.ndarray]:
    """``(rows, values)``: the positions and values of the non-NaN levels.

    Raises:
        DataError: a negative level or a first level that is not positive (naming ``name``).
    """
    lv = as_1d(levels, name)
    rows = np.flatnonzero(~np.isnan(lv))
    vals = lv[rows]
    if vals.size and (vals[0] <= 0 or np.any(vals < 0)):
        bad = vals[0] if vals[0] <= 0 else vals[vals < 0][0]
        raise DataError(f"level {float(bad)!r} is not positive; levels must be > 0", field=name)
    return rows, vals


def negligible(spread: float, *scales: float) -> bool:
    """True when ``spread`` is 0, NaN, or at most :data:`RTOL` x the largest ``|scale|``."""
    if not spread > 0:
        return True
    scale = max((abs(s) for s in scales if np.isfinite(s)), default=0.0)
    return bool(spread <= RTOL * scale)


def power(base: float, exponent: float) -> float:
    """``base ** exponent`` as a float: NaN for a negative base or a non-finite result."""
    if not np.isfinite(base) or base < 0:
        return float("nan")
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.float64(base) ** np.float64(exponent)
    return float(out) if np.isfinite(out) else float("nan")
