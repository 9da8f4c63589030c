"""Monte Carlo draws of uncertain drivers: independent draws, rank correlation, targets.

Each driver is drawn from its entry of
:data:`~aithesis.thesis.distributions.DISTRIBUTIONS` (what ``low``/``high`` mean, the
sampler and the scipy distribution are listed there). Independent drivers are drawn with
the entry's NumPy ``Generator`` sampler. Drivers named in ``correlations`` are drawn
together through a Gaussian copula: the target Spearman rank correlation ``rho_s``
becomes the normal correlation ``2 sin(pi rho_s / 6)`` (exact for the Gaussian copula),
correlated normals are mapped to uniforms and then through each marginal's inverse CDF
(the entry's scipy distribution), so every marginal is exactly as specified. Everything
is seeded by one ``numpy.random.Generator``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import special

from aithesis.errors import SpecError
from aithesis.thesis.distributions import Z95, distribution
from aithesis.thesis.spec import CorrelationSpec, DriverSpec

__all__ = [
    "Z95",
    "frozen_distribution",
    "normal_correlation",
    "parse_target",
    "sample_drivers",
]


def frozen_distribution(
    spec: DriverSpec, *, file: str | None = None, field: str | None = None
) -> Any:
    """The scipy.stats frozen distribution a driver is drawn from (None when not drawn:
    fixed, no range, or ``low == high``).

    Raises:
        SpecError: the driver's ``dist`` is not in the registry (names ``file``/``field``).
    """
    rule = distribution(spec.distribution, file=file, field=field)
    if rule.scipy is None or not spec.has_range or spec.low == spec.high:
        return None
    return rule.scipy(spec.dist_params)


def _draw(spec: DriverSpec, n: int, rng: np.random.Generator, file: str | None, field: str) -> Any:
    """Independent draws of one driver (a float for fixed/degenerate drivers)."""
    rule = distribution(spec.distribution, file=file, field=field)
    if rule.sample is None or not spec.has_range or spec.low == spec.high:
        return float(spec.value)
    return rule.sample(spec.dist_params, n, rng)


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
            out[name] = _draw(spec, n, rng, file, f"drivers.{name}.dist")
    if joint:
        matrix = normal_correlation(joint, active, file=file)
        normals = rng.standard_normal((n, len(joint))) @ np.linalg.cholesky(matrix).T
        uniforms = special.ndtr(normals)
        for k, name in enumerate(joint):
            dist = frozen_distribution(drivers[name], file=file, field=f"drivers.{name}.dist")
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
