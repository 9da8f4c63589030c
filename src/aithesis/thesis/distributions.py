"""Distributions of uncertain drivers: one registry entry per ``dist`` name.

Each :class:`Distribution` holds everything that differs from one distribution to the
next: the NumPy sampler used for independent Monte Carlo draws, the ``scipy.stats``
distribution (its inverse CDF maps the copula's uniforms for correlated drivers; the
tests compare draws with it), the check of its parameters, the extra YAML keys it reads
and what ``low``/``high`` mean. The spec's allowed ``dist`` names
(:class:`~aithesis.thesis.spec.DriverSpec`), the Monte Carlo draws and the copula
(:mod:`~aithesis.thesis.montecarlo`) all read :data:`DISTRIBUTIONS`; a name that is not
in it is an error, never a silent default.

A driver with a range and no ``dist`` is ``triangular``; without a range it is ``fixed``.
A driver whose ``low == high`` (allowed only where the range is a pair of bounds) is held
at its value. Entries:

* ``fixed``: the value (kept as a scalar; formulas broadcast it); a range is ignored;
* ``uniform``: on [low, high];
* ``triangular``: min low, mode value, max high;
* ``pert``: Beta-PERT on [low, high] with mode value and the usual shape lambda = 4,
  i.e. ``low + (high-low) * Beta(1 + 4(m-low)/(high-low), 1 + 4(high-m)/(high-low))``;
* ``normal``: low and high are the 5th and 95th percentiles, so
  ``mean = (low+high)/2`` and ``sd = (high-low) / (2 * 1.6449)`` (the value is the base
  case used by ``evaluate`` and need not be the mean);
* ``lognormal``: ln(low) and ln(high) are the 5th/95th percentiles of the log;
* ``student_t``: a fat-tailed normal: low and high are the 5th and 95th percentiles of a
  Student-t with ``df`` degrees of freedom (key ``df``, > 2 so the variance is finite), so
  ``loc = (low+high)/2`` and ``scale = (high-low) / (2 * t95(df))``, ``t95`` the t's 95th
  percentile; draws are ``loc + scale * standard_t(df)``. For growth rates and other
  figures an article gives as a likely range while surprises on either side are common
  (it may go negative, unlike lognormal; as df grows it tends to ``normal``).

To add one: write its sampler, scipy distribution and check below, add a
:class:`Distribution` to ``_ENTRIES``, and copy a test of ``tests/thesis/test_distributions.py``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy import special, stats

from aithesis.errors import SpecError

__all__ = [
    "DISTRIBUTIONS",
    "Z95",
    "Distribution",
    "DriverParams",
    "distribution",
    "names",
    "unknown_message",
]

Z95 = float(special.ndtri(0.95))


@dataclass(frozen=True)
class DriverParams:
    """What a distribution is given, in the driver's unit.

    Attributes:
        value: the base case (the mode for triangular and PERT).
        low, high: the range (``low <= high``); bounds or 5th/95th percentiles.
        extra: the distribution's own keys from the YAML (e.g. ``df``).
    """

    value: float
    low: float
    high: float
    extra: Mapping[str, float] = field(default_factory=dict)


Sampler = Callable[[DriverParams, int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Distribution:
    """One ``dist`` name and everything that varies with it.

    Attributes:
        name: the YAML name (``dist: pert``).
        meaning: what ``low``/``high`` (and any extra keys) mean, for help and errors.
        sample: ``(params, n, rng) -> n draws`` with NumPy's Generator (None: no draws).
        scipy: ``params -> frozen scipy.stats distribution`` (None: no draws).
        check: raises ``ValueError`` with a one-line message when the parameters are
            unusable; called only for drivers with a range (``low <= high`` holds).
        keys: extra YAML keys this distribution reads next to ``dist`` (e.g. ``df``).
        needs_range: a driver with this ``dist`` must give ``low`` and ``high``.
    """

    name: str
    meaning: str
    sample: Sampler | None
    scipy: Callable[[DriverParams], Any] | None
    check: Callable[[DriverParams], None]
    keys: tuple[str, ...] = ()
    needs_range: bool = True


# ------------------------------------------------------------------ checks
def _no_check(p: DriverParams) -> None:
    return None


def _mode_inside(p: DriverParams) -> None:
    if not p.low <= p.value <= p.high:
        raise ValueError(f"value {p.value:g} lies outside [low, high] = [{p.low:g}, {p.high:g}]")


def _percentiles(name: str, *, positive: bool = False) -> Callable[[DriverParams], None]:
    def check(p: DriverParams) -> None:
        if p.low == p.high:
            raise ValueError(f"{name} needs low < high")
        if positive and p.low <= 0:
            raise ValueError(f"{name} needs low > 0")

    return check


# ------------------------------------------------------------ distributions
def _pert_shape(p: DriverParams) -> tuple[float, float]:
    width = p.high - p.low
    return 1 + 4 * (p.value - p.low) / width, 1 + 4 * (p.high - p.value) / width


def _normal_loc_scale(p: DriverParams) -> tuple[float, float]:
    return (p.low + p.high) / 2, (p.high - p.low) / (2 * Z95)


def _lognormal_params(p: DriverParams) -> tuple[float, float]:
    lo, hi = np.log(p.low), np.log(p.high)
    return (lo + hi) / 2, (hi - lo) / (2 * Z95)


def _pert_sample(p: DriverParams, n: int, rng: np.random.Generator) -> np.ndarray:
    a, b = _pert_shape(p)
    return p.low + (p.high - p.low) * rng.beta(a, b, n)


def _pert_scipy(p: DriverParams) -> Any:
    a, b = _pert_shape(p)
    return stats.beta(a, b, loc=p.low, scale=p.high - p.low)


def _lognormal_scipy(p: DriverParams) -> Any:
    mu, sigma = _lognormal_params(p)
    return stats.lognorm(s=sigma, scale=np.exp(mu))


def _t_loc_scale(p: DriverParams) -> tuple[float, float, float]:
    df = p.extra["df"]
    t95 = float(special.stdtrit(df, 0.95))
    return df, (p.low + p.high) / 2, (p.high - p.low) / (2 * t95)


def _t_check(p: DriverParams) -> None:
    if p.low == p.high:
        raise ValueError("student_t needs low < high")
    df = p.extra.get("df")
    if df is None:
        raise ValueError("student_t needs 'df' (degrees of freedom > 2), e.g. df: 4")
    if not df > 2:
        raise ValueError(f"student_t needs df > 2 (a finite variance), got df {df:g}")


def _t_sample(p: DriverParams, n: int, rng: np.random.Generator) -> np.ndarray:
    df, loc, scale = _t_loc_scale(p)
    return loc + scale * rng.standard_t(df, n)


def _t_scipy(p: DriverParams) -> Any:
    df, loc, scale = _t_loc_scale(p)
    return stats.t(df, loc=loc, scale=scale)


_ENTRIES = (
    Distribution(
        "fixed",
        "the value; no draws (a range is ignored)",
        sample=None,
        scipy=None,
        check=_no_check,
        needs_range=False,
    ),
    Distribution(
        "uniform",
        "low and high are the bounds",
        sample=lambda p, n, rng: rng.uniform(p.low, p.high, n),
        scipy=lambda p: stats.uniform(loc=p.low, scale=p.high - p.low),
        check=_mode_inside,
    ),
    Distribution(
        "triangular",
        "low and high are the bounds, the value is the mode",
        sample=lambda p, n, rng: rng.triangular(p.low, p.value, p.high, n),
        scipy=lambda p: stats.triang(
            c=(p.value - p.low) / (p.high - p.low), loc=p.low, scale=p.high - p.low
        ),
        check=_mode_inside,
    ),
    Distribution(
        "pert",
        "Beta-PERT: low and high are the bounds, the value is the mode",
        sample=_pert_sample,
        scipy=_pert_scipy,
        check=_mode_inside,
    ),
    Distribution(
        "normal",
        "low and high are the 5th and 95th percentiles",
        sample=lambda p, n, rng: rng.normal(*_normal_loc_scale(p), n),
        scipy=lambda p: stats.norm(*_normal_loc_scale(p)),
        check=_percentiles("normal"),
    ),
    Distribution(
        "lognormal",
        "low and high (> 0) are the 5th and 95th percentiles",
        sample=lambda p, n, rng: rng.lognormal(*_lognormal_params(p), n),
        scipy=_lognormal_scipy,
        check=_percentiles("lognormal", positive=True),
    ),
    Distribution(
        "student_t",
        "low and high are the 5th and 95th percentiles; df (> 2) sets the tails",
        sample=_t_sample,
        scipy=_t_scipy,
        check=_t_check,
        keys=("df",),
    ),
)

DISTRIBUTIONS: Mapping[str, Distribution] = MappingProxyType({d.name: d for d in _ENTRIES})


def names() -> tuple[str, ...]:
    """Every allowed ``dist`` name, in registry order."""
    return tuple(DISTRIBUTIONS)


def unknown_message(name: str) -> str:
    """The one-line message for a ``dist`` name not in the registry."""
    close = difflib.get_close_matches(name, names(), n=1)
    guess = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown distribution {name!r}; {guess}allowed: {', '.join(names())}"


def distribution(name: str, *, file: str | None = None, field: str | None = None) -> Distribution:
    """The registry entry of ``name``.

    Raises:
        SpecError: ``name`` is not a registered distribution (lists the allowed ones).
    """
    try:
        return DISTRIBUTIONS[name]
    except KeyError:
        raise SpecError(unknown_message(str(name)), file=file, field=field) from None
