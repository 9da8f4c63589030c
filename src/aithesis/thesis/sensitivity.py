"""Sensitivity of a thesis model: tornado, two-way grid and Monte Carlo runs.

All three evaluate the compiled tree on NumPy arrays: a tornado is one vectorised run over
``2k`` rows, a grid is one run over an ``nx x ny`` broadcast, a Monte Carlo run is one run
over ``n`` draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import FormulaError, SpecError
from aithesis.thesis.chunked import EXACT_UP_TO, draw_chunked
from aithesis.thesis.montecarlo import parse_target, sample_drivers
from aithesis.thesis.results import GridResult, MonteCarloResult, TornadoResult
from aithesis.thesis.units import conversion_factor, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.compiled import CompiledModel

__all__ = ["MAX_DRAWS", "grid", "hits", "monte_carlo", "resolve_target", "tornado"]

MAX_DRAWS = 10_000_000
"""Most draws one Monte Carlo run accepts (a project's ``monte_carlo.draws`` limit too)."""


def _output(model: CompiledModel, output: str | None) -> str:
    name = output or model.output
    if name not in model.known:
        raise SpecError(
            f"{name!r} is not a driver or formula of {model.name}", file=model.file, field="output"
        )
    return name


def tornado(
    model: CompiledModel, output: str | None = None, scenario: str | None = None
) -> TornadoResult:
    """Each driver with a range set to its low, then its high, the rest at base.

    Returns:
        drivers sorted by swing ``|out(high) - out(low)|``, largest first; drivers the
        output does not depend on are left out.
    """
    name = _output(model, output)
    base_env, _ = model.base_values(scenario)
    upstream = model.graph.drivers_of([name])
    ranged = [d for d in model.drivers if model.spec.drivers[d].has_range and d in upstream]
    k = len(ranged)
    env: dict[str, Any] = {d: np.full(2 * k + 1, v) for d, v in base_env.items()}
    for i, d in enumerate(ranged):
        env[d][2 * i] = model.spec.drivers[d].low
        env[d][2 * i + 1] = model.spec.drivers[d].high
    values = np.broadcast_to(model.run(env)[name], (2 * k + 1,))
    out_low, out_high = values[0 : 2 * k : 2], values[1 : 2 * k : 2]
    order = np.argsort(-np.abs(out_high - out_low), kind="stable")
    lows = np.array([model.spec.drivers[d].low for d in ranged], dtype=float)
    highs = np.array([model.spec.drivers[d].high for d in ranged], dtype=float)
    return TornadoResult(
        model=model.name,
        output=name,
        unit=model.unit_text(name),
        base=float(values[-1]),
        drivers=tuple(ranged[i] for i in order),
        low=lows[order],
        high=highs[order],
        out_low=np.asarray(out_low[order], float),
        out_high=np.asarray(out_high[order], float),
    )


def grid(
    model: CompiledModel,
    x: str,
    xs: Any,
    y: str,
    ys: Any,
    output: str | None = None,
    scenario: str | None = None,
) -> GridResult:
    """The output for every pair ``(xs[i], ys[j])`` of two drivers' values."""
    name = _output(model, output)
    env, _ = model.base_values(scenario)
    for key, field in ((x, "x"), (y, "y")):
        if key not in model.spec.drivers:
            raise SpecError(
                f"{key!r} is not a driver of {model.name}", file=model.file, field=field
            )
    if x == y:
        raise SpecError("x and y must be different drivers", file=model.file, field="y")
    xs_arr = np.asarray(xs, dtype=float).ravel()
    ys_arr = np.asarray(ys, dtype=float).ravel()
    env[x], env[y] = xs_arr[:, None], ys_arr[None, :]
    values = np.broadcast_to(model.run(env)[name], (xs_arr.size, ys_arr.size))
    return GridResult(
        model=model.name,
        output=name,
        unit=model.unit_text(name),
        x=x,
        y=y,
        xs=xs_arr,
        ys=ys_arr,
        values=np.array(values, dtype=float),
    )


def monte_carlo(
    model: CompiledModel,
    n: int,
    seed: int | None = None,
    target: Any = None,
    scenario: str | None = None,
    output: str | None = None,
) -> MonteCarloResult:
    """Draw uncertain drivers ``n`` times and evaluate the tree on the arrays.

    Up to :data:`~aithesis.thesis.chunked.EXACT_UP_TO` draws (2 million) every draw is
    made in one go and kept. Bigger runs (up to :data:`MAX_DRAWS`) are drawn in chunks
    with bounded memory (:mod:`aithesis.thesis.chunked`): the mean, standard deviation
    and P(target) are exact over all draws; percentiles, histogram and contributions come
    from an evenly spaced subsample of at most a million draws.

    Drivers set by the scenario are held at the scenario's value. The target, if any, is
    ``"name>=value [unit]"`` (or ``>``, ``<=``, ``<``) and gives ``P(name op value)``.

    Raises:
        SpecError: ``n < 1``, a bad target; FormulaError: non-finite output draws.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise SpecError(
            f"number of draws must be a positive integer, got {n!r}", file=model.file, field="draws"
        )
    if n > MAX_DRAWS:
        raise SpecError(
            f"{n:,} draws is more than the {MAX_DRAWS:,} a run accepts",
            file=model.file,
            field="draws",
            hint="percentiles settle long before that; use at most 10,000,000",
        )
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise SpecError(
            f"seed must be an integer >= 0, got {seed!r}",
            file=model.file,
            field="seed",
            hint="e.g. --seed 20221130",
        )
    name = _output(model, output)
    base, _ = model.base_values(scenario)
    fixed = {k: v for k, v in base.items() if scenario and k in model.spec.scenarios[scenario]}
    rng = np.random.default_rng(seed)
    tgt = None if target is None else resolve_target(model, target)
    common = {
        "model": model.name,
        "output": name,
        "unit": model.unit_text(name),
        "n": int(n),
        "seed": seed,
        "target": tgt,
        "scenario": scenario,
    }
    if n > EXACT_UP_TO:
        run = draw_chunked(model, int(n), rng, name, fixed, model.spec.correlations, tgt, hits)
        return MonteCarloResult(
            **common,
            samples=run.samples,
            units={k: model.unit_text(k) for k in run.samples},
            uncertain=run.uncertain,
            probability=None if tgt is None else run.hits / int(n),
            moments=run.moments,
        )
    env = sample_drivers(
        model.spec.drivers, int(n), rng, model.spec.correlations, fixed, file=model.file
    )
    out = model.run(env)
    values = np.broadcast_to(out[name], (n,))
    if not np.all(np.isfinite(values)):
        bad = int(np.sum(~np.isfinite(values)))
        raise FormulaError(
            f"{bad} of {n} draws are not finite (division by zero?)",
            file=model.file,
            field=f"formulas.{name}",
            hint="narrow the ranges of drivers that can reach zero",
        )
    samples = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in out.items()}
    uncertain = tuple(d for d in model.drivers if np.ndim(env[d]) > 0)
    prob = None
    if tgt is not None:
        t_name, op, value = tgt
        prob = float(np.mean(hits(samples[t_name], op, value)))
    return MonteCarloResult(
        **common,
        samples=samples,
        units={k: model.unit_text(k) for k in samples},
        uncertain=uncertain,
        probability=prob,
    )


def resolve_target(model: CompiledModel, target: Any) -> tuple[str, str, float]:
    """``(name, op, value)`` of a target such as ``"market_cap>=5000"`` (or ``"... USD_tn"``),
    the value converted to ``name``'s unit; a tuple passes through.

    Raises:
        SpecError: the name is not in the model, or the unit does not convert.
    """
    if isinstance(target, str):
        name, op, value, unit_text = parse_target(target)
    else:
        name, op, value = target
        unit_text = ""
    if name not in model.known:
        raise SpecError(
            f"target names {name!r}, not a driver or formula of {model.name}",
            file=model.file,
            field="target",
        )
    if unit_text:
        unit = parse_unit(unit_text, file=model.file, field="target")
        try:
            value = value * conversion_factor(unit, model.units[name])
        except Exception:
            raise SpecError(
                f"target unit {unit_text!r} does not convert to '{model.unit_text(name)}'",
                file=model.file,
                field="target",
            ) from None
    return name, op, float(value)


def hits(draws: np.ndarray, op: str, value: float) -> np.ndarray:
    """Boolean array: which draws meet ``draws <op> value`` (``>=``, ``>``, ``<=``, ``<``)."""
    return {">=": draws >= value, ">": draws > value, "<=": draws <= value, "<": draws < value}[op]
