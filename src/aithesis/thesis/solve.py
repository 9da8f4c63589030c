"""Reverse valuation: solve one driver (or pinned formula) for a target output.

Uses :func:`scipy.optimize.brentq` (a bracketing root finder) on
``f(x) = output(driver = x) - target``. The bracket is the caller's, else the driver's
``[low, high]``, else ``[value/2, value*2]``; when ``f`` has the same sign at both ends
the bracket is widened geometrically (x10 a step, 12 steps) before giving up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import brentq

from aithesis.errors import SpecError
from aithesis.thesis.results import SolveResult

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.compiled import CompiledModel

__all__ = ["find_root", "solve"]


def _widen(lo: float, hi: float, step: int) -> tuple[float, float]:
    factor = 10.0**step
    if lo > 0 and hi > 0:
        return lo / factor, hi * factor
    if lo < 0 and hi < 0:
        return lo * factor, hi / factor
    width = max(hi - lo, 1.0)
    return lo - width * (factor - 1), hi + width * (factor - 1)


def find_root(f: Callable[[float], float], lo: float, hi: float) -> tuple[float, int, tuple]:
    """Root of ``f`` with brentq, widening ``[lo, hi]`` until the ends differ in sign.

    Returns:
        ``(x, iterations, bracket)``.

    Raises:
        ValueError: no sign change found.
    """
    if lo > hi:
        lo, hi = hi, lo
    if lo == hi:
        lo, hi = (lo / 2, lo * 2) if lo > 0 else (lo * 2, lo / 2) if lo < 0 else (-1.0, 1.0)
    for step in range(13):
        a, b = _widen(lo, hi, step) if step else (lo, hi)
        fa, fb = f(a), f(b)
        if not (np.isfinite(fa) and np.isfinite(fb)):
            continue
        if fa == 0:
            return a, 0, (a, b)
        if fb == 0:
            return b, 0, (a, b)
        if np.sign(fa) != np.sign(fb):
            x, info = brentq(
                f, a, b, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500, full_output=True
            )
            return float(x), int(info.iterations), (a, b)
    raise ValueError("no sign change")


def solve(
    model: CompiledModel,
    target_output: str,
    target_value: float | str,
    for_driver: str,
    bracket: tuple[float, float] | None = None,
    scenario: str | None = None,
    pinned: Mapping[str, float] | None = None,
) -> SolveResult:
    """The value of ``for_driver`` that makes ``target_output`` equal ``target_value``.

    Args:
        target_output: a formula (or driver) name.
        target_value: a number in the output's unit, or text with a unit ("4.5 USD_tn").
        for_driver: the driver to solve for (a formula name pins that formula).
        bracket: ``(lo, hi)`` to search in; see the module docstring for the default.

    Raises:
        SpecError: unknown names, the output does not depend on the driver, no root.
    """
    target = model.coerce(target_output, target_value, "target")
    model.coerce(for_driver, 0.0, "for")
    if for_driver == target_output or not model.graph.depends_on(target_output, for_driver):
        raise SpecError(
            f"{target_output!r} does not depend on {for_driver!r}", file=model.file, field="for"
        )
    env, pins = model.base_values(scenario)
    pins.update(pinned or {})
    base_value = float(model.run(env, pins)[for_driver])

    def f(x: float) -> float:
        local_env, local_pins = dict(env), dict(pins)
        (local_env if for_driver in env else local_pins)[for_driver] = x
        return float(model.run(local_env, local_pins)[target_output]) - target

    if bracket is None:
        spec = model.spec.drivers.get(for_driver)
        if spec is not None and spec.has_range and spec.low != spec.high:
            bracket = (float(spec.low), float(spec.high))
        else:
            bracket = (base_value / 2, base_value * 2)
    try:
        value, iterations, used = find_root(f, float(bracket[0]), float(bracket[1]))
    except ValueError:
        raise SpecError(
            f"no value of {for_driver!r} gives {target_output} = {target:g} "
            f"(searched around {bracket[0]:g}..{bracket[1]:g})",
            file=model.file,
            field="for",
            hint="give a bracket where the answer changes sign",
        ) from None
    achieved = f(value) + target
    spec = model.spec.drivers.get(for_driver)
    warning = ""
    if spec is not None and spec.has_range and not (spec.low <= value <= spec.high):
        warning = (
            f"{for_driver} = {value:.4g} lies outside its stated range "
            f"[{spec.low:g}, {spec.high:g}]: the target needs an assumption the model "
            "itself calls implausible"
        )
    if (
        spec is not None
        and spec.has_range
        and 0 <= spec.low <= spec.high <= 1
        and not (0 <= value <= 1)
    ):
        warning += (
            "; " if warning else ""
        ) + f"{for_driver} is a share or ratio and {value:.4g} is outside 0..1"
    return SolveResult(
        model=model.name,
        driver=for_driver,
        value=value,
        unit=model.unit_text(for_driver),
        output=target_output,
        target=target,
        output_unit=model.unit_text(target_output),
        achieved=achieved,
        base_value=base_value,
        bracket=used,
        iterations=iterations,
        warning=warning,
    )
