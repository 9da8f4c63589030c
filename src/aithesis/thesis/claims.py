"""Claim checking: an article's figures next to what the model computes from its inputs.

Rules (``tol`` is relative, default 5%; ``c`` claimed, ``v`` computed at the base case,
``[vmin, vmax]`` computed over the corners of the ``range_over`` drivers' [low, high]):

* ``=`` with a number: ``|v - c| / |c|``;
* ``=`` with a range ``[lo, hi]``: both ends, ``max(|vmin-lo|/|lo|, |vmax-hi|/|hi|)``;
* ``>=`` / ``<=``: the shortfall/excess beyond ``c`` relative to ``c`` (0 if it holds);
* ``in``: how far ``[vmin, vmax]`` sticks out of the bracket ``[lo, hi]``;
* ``plausible``: how far ``c`` lies outside ``[vmin, vmax]`` (for a figure that rests on
  an input the article does not state).

A claim is ``flagged`` when that error exceeds ``tol``; it is ``undetermined`` (never
``ok``) when the computed value or range is not a finite number (NaN or infinite, e.g. a
division by zero at the base case or at a corner of the range). For a flagged claim the note says
which single driver value would make it hold (e.g. "pue = 1.354"), found with brentq.

Cross-claim check: claims with the same ``quantity`` each imply a value (or range) of it,
found by solving the claim for that quantity; two implied values further apart than the
larger of the two tolerances (relative to the smaller nearby value) are flagged as a pair.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis import numfmt
from aithesis.errors import SpecError
from aithesis.thesis.results import UNDETERMINED, ClaimReport, ClaimResult, Reconciling
from aithesis.thesis.solve import find_root
from aithesis.thesis.spec import ClaimSpec
from aithesis.thesis.units import conversion_factor, format_unit, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from aithesis.thesis.compiled import CompiledExpr, CompiledModel

__all__ = ["CompiledClaim", "check_claims", "compile_claims"]

MAX_CORNER_DRIVERS = 12


@dataclass(frozen=True)
class CompiledClaim:
    """A claim bound to a model: expression, unit factor, pins and range drivers."""

    spec: ClaimSpec
    expr: CompiledExpr
    factor: float  # expression unit -> claim unit
    unit_text: str
    ranged: tuple[str, ...]
    source: str


def _claim_error(
    model: CompiledModel, i: int, claim_id: str, key: str, message: str, hint: str | None = None
) -> SpecError:
    return SpecError(
        message,
        file=model.file,
        row=model.line("claims", i, key),
        field=f"claims.{claim_id}.{key}",
        hint=hint,
    )


def compile_claims(model: CompiledModel) -> list[CompiledClaim]:
    """Check and compile every claim of ``model``.

    Raises:
        SpecError: duplicate id, unit not convertible, unknown ``given``/``range_over``/
            ``quantity`` names. FormulaError: a bad ``expr`` (names ``claims.<id>.expr``).
    """
    out: list[CompiledClaim] = []
    seen: set[str] = set()
    for i, c in enumerate(model.spec.claims):
        if not isinstance(c, ClaimSpec):  # kind: record, judged by thesis.record
            if c.id in seen:
                raise _claim_error(model, i, c.id, "id", f"claim id {c.id!r} is used twice")
            seen.add(c.id)
            continue
        if c.id in seen:
            raise _claim_error(model, i, c.id, "id", f"claim id {c.id!r} is used twice")
        seen.add(c.id)
        compiled = model.compile_expression(c.expr, f"claims.{c.id}.expr")
        unit = parse_unit(c.unit, file=model.file, field=f"claims.{c.id}.unit")
        try:
            factor = conversion_factor(compiled.unit, unit)
        except Exception:
            raise _claim_error(
                model,
                i,
                c.id,
                "unit",
                f"claim unit '{format_unit(unit) or 'dimensionless'}' does not convert to the "
                f"unit of {c.expr!r}, '{format_unit(compiled.unit) or 'dimensionless'}'",
            ) from None
        for key in c.given:
            if key not in model.known:
                raise _claim_error(model, i, c.id, "given", f"given {key!r} is not a name")
        deps = model.graph.drivers_of(compiled.names)
        if c.range_over is None:
            ranged = [
                d
                for d in model.drivers
                if d in deps
                and model.spec.drivers[d].has_range
                and model.spec.drivers[d].low != model.spec.drivers[d].high
            ]
        else:
            for d in c.range_over:
                if d not in model.spec.drivers or not model.spec.drivers[d].has_range:
                    raise _claim_error(
                        model, i, c.id, "range_over", f"{d!r} is not a driver with low/high"
                    )
            ranged = list(c.range_over)
        if c.quantity is not None and (
            c.quantity not in model.known or c.quantity not in model.graph.upstream(compiled.names)
        ):
            raise _claim_error(
                model,
                i,
                c.id,
                "quantity",
                f"quantity {c.quantity!r} is not a name {c.expr!r} depends on",
            )
        out.append(
            CompiledClaim(
                spec=c,
                expr=compiled,
                factor=factor,
                unit_text=format_unit(unit),
                ranged=tuple(d for d in ranged if d not in c.given),
                source=c.source or model.spec.source or "",
            )
        )
    return out


def _split(model: CompiledModel, claim: CompiledClaim) -> tuple[dict, dict]:
    env, pins = model.base_values()
    for key, value in claim.spec.given.items():
        (env if key in env else pins)[key] = float(value)
    return env, pins


def _value(model: CompiledModel, claim: CompiledClaim, env: dict, pins: dict) -> Any:
    with np.errstate(all="ignore"):
        return claim.expr.fn(model.run(env, pins)) * claim.factor


def _computed_range(model: CompiledModel, claim: CompiledClaim) -> tuple[float, float, float]:
    env, pins = _split(model, claim)
    base = float(_value(model, claim, env, pins))
    ranged = list(claim.ranged)
    if not ranged:
        return base, base, base
    specs = [model.spec.drivers[d] for d in ranged]
    if len(ranged) <= MAX_CORNER_DRIVERS:
        corners = np.array(list(itertools.product((0, 1), repeat=len(ranged))), dtype=bool)
    else:
        corners = np.array([[False] * len(ranged), [True] * len(ranged)])
    grid = dict(env)
    for k, (d, s) in enumerate(zip(ranged, specs, strict=True)):
        grid[d] = np.where(corners[:, k], s.high, s.low)
    values = np.broadcast_to(_value(model, claim, grid, pins), (len(corners),))
    return base, float(min(values.min(), base)), float(max(values.max(), base))


def _rel(a: float, b: float) -> float:
    """|a - b| relative to |b| (absolute when b == 0)."""
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def _error(op: str, claimed: Any, base: float, lo: float, hi: float) -> tuple[float, Any]:
    """(relative error, computed figure shown) for one claim."""
    if op == "=" and isinstance(claimed, tuple):
        return max(_rel(lo, claimed[0]), _rel(hi, claimed[1])), (lo, hi)
    if op == "=":
        return _rel(base, claimed), base
    if op == ">=":
        return max(0.0, (claimed - base) / abs(claimed or 1.0)), base
    if op == "<=":
        return max(0.0, (base - claimed) / abs(claimed or 1.0)), base
    if op == "in":
        c_lo, c_hi = claimed
        return max(0.0, (c_lo - lo) / abs(c_lo or 1.0), (hi - c_hi) / abs(c_hi or 1.0)), (lo, hi)
    return max(0.0, (lo - claimed) / abs(claimed or 1.0), (claimed - hi) / abs(claimed or 1.0)), (
        lo,
        hi,
    )


def _solve_for(
    model: CompiledModel, claim: CompiledClaim, name: str, target: float, guess: float
) -> float | None:
    env, pins = _split(model, claim)

    def f(x: float) -> float:
        local_env, local_pins = dict(env), dict(pins)
        (local_env if name in local_env else local_pins)[name] = x
        return float(_value(model, claim, local_env, local_pins)) - target

    lo, hi = (guess / 2, guess * 2) if guess else (-1.0, 1.0)
    try:
        return find_root(f, lo, hi)[0]
    except (ValueError, RuntimeError):
        return None


def _reconcile(
    model: CompiledModel, claim: CompiledClaim, targets: list[float]
) -> tuple[Reconciling, ...]:
    """Up to three drivers, unstated ones first, and the values that would make the
    claim hold (one per claimed figure, low to high)."""
    upstream = model.graph.drivers_of(claim.expr.names)
    drivers = [
        d
        for d in model.drivers
        if d in upstream and d not in claim.spec.given and not model.spec.drivers[d].constant
    ]
    drivers.sort(key=lambda d: model.spec.drivers[d].quote is not None)  # unstated first
    parts: list[Reconciling] = []
    for d in drivers:
        base = float(model.spec.drivers[d].value)
        found = [_solve_for(model, claim, d, t, base) for t in targets]
        if any(v is None for v in found):
            continue
        values = tuple(sorted(float(v) for v in found if v is not None))
        parts.append(Reconciling(d, values, base, model.unit_text(d)))
        if len(parts) == 3:
            break
    return tuple(parts)


def reconcile_note(parts: tuple[Reconciling, ...]) -> str:
    """The English note of :func:`_reconcile`'s drivers, figures as analysts write them:
    ``would hold with hw_life = 8 years (model: 7 years)``."""
    if not parts:
        return ""
    shown = [
        f"{p.driver} = {numfmt.quantity(p.values, p.unit, name=p.driver)} "
        f"(model: {numfmt.quantity(p.base, p.unit, name=p.driver)})"
        for p in parts
    ]
    return "would hold with " + " or ".join(shown)


def _check_one(model: CompiledModel, claim: CompiledClaim) -> ClaimResult:
    spec = claim.spec
    base, lo, hi = _computed_range(model, claim)
    rel, shown = _error(spec.op, spec.claimed, base, lo, hi)
    note = ""
    reconciling: tuple[Reconciling, ...] = ()
    if not np.all(np.isfinite([base, lo, hi, rel])):
        # NaN compares false with everything: without this, max(0, nan) passes as 'ok'
        status, rel = UNDETERMINED, float("nan")
        note = "the model computes a value that is not a finite number (division by zero?)"
    else:
        status = "flagged" if rel > spec.tol + 1e-12 else "ok"
    if status == "flagged":
        targets = list(spec.claimed) if isinstance(spec.claimed, tuple) else [spec.claimed]
        reconciling = _reconcile(model, claim, targets)
        note = reconcile_note(reconciling)
    return ClaimResult(
        model=model.name,
        claim_id=spec.id,
        text=spec.text or spec.quote or spec.expr,
        source=claim.source,
        claimed=spec.claimed,
        computed=shown,
        unit=claim.unit_text,
        rel_error=float(rel),
        status=status,
        op=spec.op,
        tol=spec.tol,
        quote=spec.quote or "",
        note=note,
        reconciling=reconciling,
    )


def _implied(model: CompiledModel, claim: CompiledClaim) -> tuple[float, float] | None:
    """The value (as an interval) of ``claim.spec.quantity`` the claim implies."""
    spec, q = claim.spec, claim.spec.quantity
    targets = list(spec.claimed) if isinstance(spec.claimed, tuple) else [spec.claimed]
    env, pins = _split(model, claim)
    guess = float(model.run(env, pins)[q])
    found = [_solve_for(model, claim, q, t, guess) for t in targets]
    if any(v is None for v in found):
        return None
    return min(found), max(found)


def _gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    if a[1] < b[0]:
        return (b[0] - a[1]) / max(min(abs(a[1]), abs(b[0])), 1e-300)
    if b[1] < a[0]:
        return (a[0] - b[1]) / max(min(abs(b[1]), abs(a[0])), 1e-300)
    return 0.0


def _cross(model: CompiledModel, claims: list[CompiledClaim]) -> list[ClaimResult]:
    groups: dict[str, list[tuple[CompiledClaim, tuple[float, float]]]] = {}
    for c in claims:
        if c.spec.quantity is not None:
            implied = _implied(model, c)
            if implied is not None:
                groups.setdefault(c.spec.quantity, []).append((c, implied))
    rows = []
    for q, members in groups.items():
        for (a, va), (b, vb) in itertools.combinations(members, 2):
            rel = _gap(va, vb)
            tol = max(a.spec.tol, b.spec.tol)
            status = "flagged" if rel > tol + 1e-12 else "ok"
            if not np.all(np.isfinite([*va, *vb, rel])):
                status, rel = UNDETERMINED, float("nan")
            show = [v[0] if v[0] == v[1] else v for v in (va, vb)]
            unit = model.unit_text(q)
            sources = a.source if a.source == b.source else f"{a.source}; {b.source}"
            rows.append(
                ClaimResult(
                    model=model.name,
                    claim_id=f"{a.spec.id}~{b.spec.id}",
                    text=f"'{a.spec.id}' and '{b.spec.id}' imply {q} = "
                    f"{numfmt.quantity(show[0], unit, name=q)} vs "
                    f"{numfmt.quantity(show[1], unit, name=q)}",
                    source=sources,
                    claimed=show[0],
                    computed=show[1],
                    unit=unit,
                    rel_error=rel,
                    status=status,
                    op="=",
                    tol=tol,
                    note=f"cross-claim check of {q}",
                    kind="cross",
                )
            )
    return rows


def check_claims(
    model: CompiledModel, claims: list[CompiledClaim], *, cross: bool = True
) -> ClaimReport:
    """Check every claim of a model; see the module docstring for the rules."""
    rows = [_check_one(model, c) for c in claims]
    if cross:
        rows.extend(_cross(model, claims))
    return ClaimReport(results=tuple(rows))
