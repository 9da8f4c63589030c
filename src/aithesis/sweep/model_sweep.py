"""Sweep a thesis model's drivers over a grid: its output, or Monte Carlo P(target).

Deterministic (``draws=None``): every point is the model evaluated with the grid's
values as overrides, exactly what ``model.evaluate(overrides=point)`` gives; a batch of
points is one vectorised ``model.run`` over arrays.

Monte Carlo (``draws=n``): at every point the grid's drivers are held at the point's
values and every other uncertain driver is drawn ``n`` times, as
``model.monte_carlo`` does for drivers pinned by a scenario. Point ``i`` draws with its own
generator, seeded with ``SeedSequence(seed, spawn_key=(i,))`` (its integer state is the
``seed`` column), so a point's numbers do not depend on batching or on which worker ran it:
serial and cluster runs are identical.

Values are in each name's own unit (see the model YAML); probabilities are fractions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from aithesis.errors import SpecError
from aithesis.sweep.cluster import Executor, ProgressCallback, plan_batches
from aithesis.sweep.grid import Grid
from aithesis.sweep.results import ModelSweepResult
from aithesis.thesis.api import model_path
from aithesis.thesis.model import ThesisModel
from aithesis.thesis.montecarlo import sample_drivers
from aithesis.thesis.sensitivity import hits, resolve_target
from aithesis.thesis.spec import spec_from_text

__all__ = [
    "PERCENTILES",
    "ModelSweepPlan",
    "plan_model_sweep",
    "point_seed",
]

PERCENTILES = (5.0, 50.0, 95.0)


def point_seed(seed: int, index: int) -> int:
    """The integer seed of grid point ``index`` derived from the sweep's ``seed``.

    ``SeedSequence(seed, spawn_key=(index,))`` is the sequence NumPy's
    ``SeedSequence(seed).spawn`` would give the ``index``-th child: independent streams
    for every point, reproducible from the base seed alone.

    Example:
        >>> point_seed(0, 3) == point_seed(0, 3) != point_seed(0, 4)
        True
    """
    state = np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0])


@dataclass(frozen=True)
class _Payload:
    """What every task needs, shipped to each worker once."""

    file: str
    text: str
    scenario: str | None
    output: str
    drivers: dict[str, np.ndarray]  # swept drivers: value at every point
    formulas: dict[str, np.ndarray]  # swept formulas (pinned): value at every point
    draws: int | None
    seed: int | None
    target: tuple[str, str, float] | None


@functools.lru_cache(maxsize=8)
def _model(file: str, text: str) -> ThesisModel:
    """The model compiled once per process (workers receive its YAML text)."""
    spec, root = spec_from_text(text, file)
    return ThesisModel(spec, file, root)


def _deterministic(batch: range, p: _Payload) -> dict[str, np.ndarray]:
    model = _model(p.file, p.text)
    env, _ = model.base_values(p.scenario)
    for name, values in p.drivers.items():
        env[name] = values[batch.start : batch.stop]
    pinned = {n: v[batch.start : batch.stop] for n, v in p.formulas.items()}
    out = model.run(env, pinned)
    values = np.array(np.broadcast_to(out[p.output], (len(batch),)), dtype=np.float64)
    return {"value": values}


def _monte_carlo(batch: range, p: _Payload) -> dict[str, np.ndarray]:
    model = _model(p.file, p.text)
    assert p.draws is not None and p.seed is not None
    base, _ = model.base_values(p.scenario)
    held = {k: base[k] for k in (model.spec.scenarios[p.scenario] if p.scenario else {})}
    n, rows = p.draws, len(batch)
    cols = {k: np.full(rows, np.nan) for k in ("mean", "std", *_pct_names(), "probability")}
    seeds = np.zeros(rows, dtype=np.uint64)
    finite = np.ones(rows, dtype=bool)
    for r, i in enumerate(batch):
        seeds[r] = point_seed(p.seed, i)
        fixed = held | {name: float(v[i]) for name, v in p.drivers.items()}
        env = sample_drivers(
            model.spec.drivers,
            n,
            np.random.default_rng(int(seeds[r])),
            model.spec.correlations,
            fixed,
            file=model.file,
        )
        out = model.run(env, {name: float(v[i]) for name, v in p.formulas.items()})
        draws = np.broadcast_to(np.asarray(out[p.output], dtype=np.float64), (n,))
        if not np.all(np.isfinite(draws)):
            finite[r] = False
            continue
        cols["mean"][r] = np.mean(draws)
        cols["std"][r] = np.std(draws, ddof=1) if n > 1 else 0.0
        for key, v in zip(_pct_names(), np.percentile(draws, PERCENTILES), strict=True):
            cols[key][r] = v
        if p.target is not None:
            name, op, value = p.target
            cols["probability"][r] = np.mean(hits(np.broadcast_to(out[name], (n,)), op, value))
    return cols | {"seed": seeds, "finite": finite}


def _batch(batch: range, p: _Payload) -> dict[str, np.ndarray]:
    """One task: the results of the points in ``batch`` (a contiguous range)."""
    return _deterministic(batch, p) if p.draws is None else _monte_carlo(batch, p)


def _pct_names() -> tuple[str, ...]:
    return tuple(f"p{q:g}" for q in PERCENTILES)


def _columns(model: ThesisModel, grid: Grid, output: str) -> tuple[dict, dict]:
    drivers: dict[str, np.ndarray] = {}
    formulas: dict[str, np.ndarray] = {}
    for name, values in zip(grid.names, grid.values, strict=True):
        if name == output:
            raise SpecError(
                f"{name!r} is the output; sweep the drivers it depends on",
                file=model.file,
                field=name,
            )
        coerced = np.array([model.coerce(name, v, name) for v in values], dtype=np.float64)
        k = grid.names.index(name)
        idx = np.indices(grid.shape).reshape(len(grid.shape), -1)[k]
        (drivers if name in model.spec.drivers else formulas)[name] = coerced[idx]
    return drivers, formulas


@dataclass(frozen=True)
class ModelSweepPlan:
    """A validated model sweep, ready to run on any executor (see :func:`plan_model_sweep`).

    Attributes:
        model: the model's name; unit: the output's unit; grid: the grid swept.
        payload: what every task needs (sent to each worker once).
    """

    model: str
    unit: str
    grid: Grid
    payload: _Payload = field(repr=False)

    def run(
        self,
        executor: Executor,
        progress: ProgressCallback | None = None,
        batch_size: int | None = None,
    ) -> ModelSweepResult:
        """Run every batch on ``executor`` and assemble the table (all or nothing)."""
        p, grid = self.payload, self.grid
        batches = plan_batches(grid.size, batch_size)
        parts = executor.map(_batch, batches, p, [len(b) for b in batches], progress)
        table = grid.frame()
        if p.draws is None:
            values = np.concatenate([part["value"] for part in parts])
            table[p.output] = values
            error = np.where(np.isfinite(values), None, "not finite (division by zero?)")
        else:
            keys = ("mean", "std", *_pct_names(), *(("probability",) if p.target else ()))
            for key in keys:
                table[key] = np.concatenate([part[key] for part in parts])
            table["seed"] = np.concatenate([part["seed"] for part in parts])
            finite = np.concatenate([part["finite"] for part in parts])
            error = np.where(finite, None, "some draws are not finite (division by zero?)")
        table["error"] = pd.Series(error, dtype=object)
        return ModelSweepResult(
            model=self.model,
            output=p.output,
            unit=self.unit,
            params=grid.names,
            table=table,
            draws=p.draws,
            seed=p.seed,
            target=p.target,
            scenario=p.scenario,
        )


def plan_model_sweep(
    source: str | Path,
    grid: Grid,
    *,
    draws: int | None = None,
    seed: int | None = 0,
    target: str | None = None,
    output: str | None = None,
    scenario: str | None = None,
) -> ModelSweepPlan:
    """Check a model sweep and prepare what its tasks need (nothing runs yet).

    Args:
        source: a built-in model name (``"nvda-5t"``) or a model YAML path; its text is
            read once here and shipped to the workers.
        grid: drivers (or formulas, pinned) and their values (numbers or ``"2 USD_tn"``).
        draws: Monte Carlo draws per point; None evaluates the base case.
        seed: base seed (None: fresh entropy, reported in the result).
        target: ``"name>=value [unit]"``: adds P(target) per point (needs ``draws``).
        output: the name to report (default the model's output).
        scenario: start from a scenario instead of the base case.

    Raises:
        SpecError: an unknown parameter, output, scenario or target, a bad value,
            ``draws`` < 1 or a target without draws (field names the culprit).
    """
    file = model_path(source)
    text = _read_text(file)
    model = _model(str(file), text)
    output = output or model.output
    if output not in model.known:
        raise SpecError(
            f"{output!r} is not a driver or formula of {model.name}",
            file=model.file,
            field="output",
        )
    model.base_values(scenario)  # checks the scenario
    if draws is not None and (isinstance(draws, bool) or int(draws) != draws or draws < 1):
        raise SpecError(f"draws must be a whole number >= 1, got {draws!r}", field="draws")
    if target is not None and draws is None:
        raise SpecError(
            "a target needs Monte Carlo draws", field="target", hint="add --draws N (e.g. 10000)"
        )
    tgt = resolve_target(model, target) if target is not None else None
    if draws is not None and seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    drivers, formulas = _columns(model, grid, output)
    payload = _Payload(
        file=model.file,
        text=text,
        scenario=scenario,
        output=output,
        drivers=drivers,
        formulas=formulas,
        draws=None if draws is None else int(draws),
        seed=seed if draws is not None else None,
        target=tgt,
    )
    return ModelSweepPlan(
        model=model.name, unit=model.unit_text(output), grid=grid, payload=payload
    )


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the model file ({exc})", file=file) from None
