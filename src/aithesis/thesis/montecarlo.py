"""Monte Carlo draws of uncertain drivers: distributions, rank correlation, summaries.

Distributions (see :class:`~aithesis.thesis.spec.DriverSpec`):

* ``fixed``: the value (kept as a scalar; formulas broadcast it);
* ``uniform``: on [low, high];
* ``triangular``: min low, mode value, max high;
* ``pert``: Beta-PERT on [low, high] with mode value and the usual shape lambda = 4,
  i.e. ``low + (high-low) * Beta(1 + 4(m-low)/(high-low), 1 + 4(high-m)/(high-low))``;
* ``normal``: low and high are the 5th and 95th percentiles, so
  ``mean = (low+high)/2`` and ``sd = (high-low) / (2 * 1.6449)`` (the value is the base
  case used by ``evaluate`` and need not be the mean);
* ``lognormal``: ln(low) and ln(high) are the 5th/95th percentiles of the log.

Independent drivers are drawn with NumPy's ``Generator`` methods. Drivers named in
``correlations`` are drawn together through a Gaussian copula: the target Spearman rank
correlation ``rho_s`` becomes the normal correlation ``2 sin(pi rho_s / 6)`` (exact for
the Gaussian copula), correlated normals are mapped to uniforms and then through each
marginal's inverse CDF (scipy), so every marginal is exactly as specified.
Everything is seeded by one ``numpy.random.Generator``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import special, stats

from aithesis.errors import SpecError
from aithesis.thesis.spec import CorrelationSpec, DriverSpec

__all__ = [
    "Z95",
    "frozen_distribution",
    "normal_correlation",
    "parse_target",
    "sample_drivers",
]

Z95 = float(special.ndtri(0.95))


def frozen_distribution(spec: DriverSpec) -> Any:
    """The scipy.stats frozen distribution a driver is drawn from (None when fixed)."""
    dist = spec.distribution
    if dist == "fixed" or spec.low is None or spec.high is None:
        return None
    lo, hi, mode = spec.low, spec.high, spec.value
    width = hi - lo
    if width == 0:
        return None
    if dist == "uniform":
        return stats.uniform(loc=lo, scale=width)
    if dist == "triangular":
        return stats.triang(c=(mode - lo) / width, loc=lo, scale=width)
    if dist == "pert":
        a, b = _pert_shape(lo, mode, hi)
        return stats.beta(a, b, loc=lo, scale=width)
    if dist == "normal":
        return stats.norm(loc=(lo + hi) / 2, scale=width / (2 * Z95))
    mu, sigma = _lognormal_params(lo, hi)
    return stats.lognorm(s=sigma, scale=np.exp(mu))


def _pert_shape(lo: float, mode: float, hi: float) -> tuple[float, float]:
    width = hi - lo
    return 1 + 4 * (mode - lo) / width, 1 + 4 * (hi - mode) / width


def _lognormal_params(lo: float, hi: float) -> tuple[float, float]:
    return (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * Z95)


def _draw(spec: DriverSpec, n: int, rng: np.random.Generator) -> Any:
    """Independent draws of one driver (a float for fixed/degenerate drivers)."""
    dist = spec.distribution
    if dist == "fixed" or spec.low is None or spec.high is None or spec.low == spec.high:
        return float(spec.value)
    lo, hi, mode = spec.low, spec.high, spec.value
    if dist == "uniform":
        return rng.uniform(lo, hi, n)
    if dist == "triangular":
        return rng.triangular(lo, mode, hi, n)
    if dist == "pert":
        a, b = _pert_shape(lo, mode, hi)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if dist == "normal":
        return rng.normal((lo + hi) / 2, (hi - lo) / (2 * Z95), n)
    mu, sigma = _lognormal_params(lo, hi)
    return rng.lognormal(mu, sigma, n)


def normal_correlation(
    names: Sequence[str], correlations: Sequence[CorrelationSpec], *, file: str | None = None
) -> np.ndarray:
    """Correlation matrix of the copula's normals for the target rank correlations.

    Raises:
        SpecError: the implied matrix is not positive definite.
    """
    index = {n: i for i, n in enumerate(names)}
    matrix = np.eye(len(names))
    for corr in correlations:
        i, j = index[corr.between[0]], index[corr.between[1]]
        matrix[i, j] = matrix[j, i] = 2 * np.sin(np.pi * corr.rank / 6)
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        raise SpecError(
            "the rank correlations are inconsistent (matrix not positive definite)",
            file=file,
            field="correlations",
            hint="lower some correlations",
        ) from None
    return matrix


def sample_drivers(
    drivers: Mapping[str, DriverSpec],
    n: int,
    rng: np.random.Generator,
    correlations: Sequence[CorrelationSpec] = (),
    fixed: Mapping[str, float] | None = None,
    *,
    file: str | None = None,
) -> dict[str, Any]:
    """Draw ``n`` values of every driver.

    Args:
        drivers: driver specs by name (dict order is the draw order, for reproducibility).
        n: number of draws (>= 1).
        rng: the seeded generator.
        correlations: rank correlations (drivers in them are drawn via the copula).
        fixed: drivers pinned to a value (scenario/overrides); they are not drawn.

    Returns:
        name -> float64 array of length n, or a float for fixed drivers.
    """
    fixed = dict(fixed or {})
    active = [c for c in correlations if not set(c.between) & set(fixed)]
    joint = [name for name in drivers if any(name in c.between for c in active)]
    out: dict[str, Any] = {}
    for name, spec in drivers.items():
        if name in fixed:
            out[name] = float(fixed[name])
        elif name not in joint:
            out[name] = _draw(spec, n, rng)
    if joint:
        matrix = normal_correlation(joint, active, file=file)
        normals = rng.standard_normal((n, len(joint))) @ np.linalg.cholesky(matrix).T
        uniforms = special.ndtr(normals)
        for k, name in enumerate(joint):
            dist = frozen_distribution(drivers[name])
            out[name] = float(drivers[name].value) if dist is None else dist.ppf(uniforms[:, k])
    return out


_OPS = (">=", "<=", ">", "<")


def parse_target(text: str) -> tuple[str, str, float, str]:
    """Split ``"market_cap>=5000"`` (or ``"market_cap >= 5 USD_tn"``) into parts.

    Returns:
        ``(name, op, number, unit_text)``; ``unit_text`` is '' when no unit is given.

    Raises:
        SpecError: the text is not ``name OP number [unit]``.
    """
    for op in _OPS:
        if op in text:
            name, _, rest = text.partition(op)
            parts = rest.strip().split(maxsplit=1)
            try:
                value = float(parts[0])
            except (IndexError, ValueError):
                break
            return name.strip(), op, value, parts[1] if len(parts) > 1 else ""
    raise SpecError(
        f"cannot read target {text!r}", field="target", hint="write e.g. market_cap>=5000"
    )
