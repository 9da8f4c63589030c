"""A compiled thesis model: a DAG of drivers and formulas with checked units.

:class:`CompiledModel` is built from a :class:`~aithesis.thesis.spec.ModelSpec`. Building
checks everything once: names, the formula DAG (a cycle is an error naming it), units of
every formula, scenario keys and correlations. After that, evaluation is plain NumPy on
float64 values, each expressed in its own node's unit.

This is the layer the analyses build on (:mod:`~aithesis.thesis.claims`,
:mod:`~aithesis.thesis.sensitivity`, :mod:`~aithesis.thesis.solve`);
:class:`~aithesis.thesis.model.ThesisModel` adds them as methods and compiles the claims.
"""

from __future__ import annotations

import ast
import difflib
import graphlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import yaml

from aithesis.errors import FormulaError, SpecError
from aithesis.specfile import line_of
from aithesis.thesis import expr as fx
from aithesis.thesis.graph import ModelGraph
from aithesis.thesis.montecarlo import normal_correlation
from aithesis.thesis.results import Evaluation
from aithesis.thesis.spec import ModelSpec, is_identifier
from aithesis.thesis.units import Unit, conversion_factor, format_unit, infer_units, parse_unit

__all__ = ["CompiledExpr", "CompiledModel"]


class CompiledExpr:
    """An expression compiled against a model: ``fn(env)``, its unit and the names it uses."""

    def __init__(self, text: str, fn: fx.Compiled, unit: Unit, names: set[str]) -> None:
        self.text, self.fn, self.unit, self.names = text, fn, unit, names


class CompiledModel:
    """A driver tree compiled from its spec; see the package docstring for the YAML form.

    Attributes:
        spec: the validated spec.
        file: the YAML file it came from (used in every error message).
        drivers: driver names in file order.
        formulas: formula names in evaluation (topological) order.
        graph: the dependency graph (:class:`~aithesis.thesis.graph.ModelGraph`): what a
            name depends on, the inputs of a formula, the tree for display.
        units: pint unit of every name.
        output: the default output (``output:`` in YAML, else the last formula).
    """

    def __init__(self, spec: ModelSpec, file: str = "<model>", root: yaml.Node | None = None):
        self.spec, self.file, self._root = spec, str(file), root
        self.name, self.title = spec.name, spec.title
        self.drivers = list(spec.drivers)
        self._check_names()
        self.units: dict[str, Unit] = {
            n: parse_unit(d.unit, file=self.file, field=f"drivers.{n}.unit")
            for n, d in spec.drivers.items()
        }
        self._trees = {
            n: fx.parse(f.expr, file=self.file, field=f"formulas.{n}")
            for n, f in spec.formulas.items()
        }
        self.known = set(self.drivers) | set(self._trees)
        for n, tree in self._trees.items():  # unknown names, before the cycle check
            fx.compile_tree(tree, self.known, file=self.file, field=f"formulas.{n}")
        self.graph = self._graph()
        self.formulas = list(self.graph.order)
        self._fns: dict[str, fx.Compiled] = {}
        for n in self.formulas:
            unit, factors = infer_units(
                self._trees[n], self.units, file=self.file, field=f"formulas.{n}"
            )
            fn = fx.compile_tree(self._trees[n], self.known, factors)
            self.units[n], self._fns[n] = self._display_unit(n, unit, fn)
        self.output = spec.output or (self.formulas[-1] if self.formulas else self.drivers[-1])
        if self.output not in self.known:
            raise self.error(f"output {self.output!r} is not a driver or formula", "output")
        self._check_scenarios()
        self._check_correlations()

    # ----------------------------------------------------------------- checks
    def error(self, message: str, *key: Any, hint: str | None = None) -> SpecError:
        """A SpecError naming this model's file, the line of ``key`` and the dotted key."""
        dotted = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")
        return SpecError(message, file=self.file, row=self.line(*key), field=dotted, hint=hint)

    def line(self, *key: Any) -> int | None:
        """1-based line of ``key`` (``"claims", 0, "unit"``) in the model file, if known."""
        return line_of(self._root, tuple(key))

    def _check_names(self) -> None:
        for section in ("drivers", "formulas"):
            for n in getattr(self.spec, section):
                if not is_identifier(n) or n in fx.FUNCTIONS:
                    raise self.error(
                        f"{n!r} is not a valid name",
                        section,
                        n,
                        hint="use letters, digits and _ (not a function name)",
                    )
        for n in self.spec.formulas:
            if n in self.spec.drivers:
                raise self.error(f"{n!r} is both a driver and a formula", "formulas", n)

    def _display_unit(self, n: str, unit: Unit, fn: fx.Compiled) -> tuple[Unit, fx.Compiled]:
        """Convert a formula to its declared unit (or plain dimensionless)."""
        wanted = self.spec.formulas[n].unit
        if wanted is None and not unit.dimensionless:
            return unit, fn
        target = parse_unit(wanted, file=self.file, field=f"formulas.{n}.unit")
        try:
            factor = conversion_factor(unit, target)
        except Exception:
            raise self.error(
                f"formula unit is '{format_unit(unit) or 'dimensionless'}', which does not "
                f"convert to the declared '{wanted}'",
                "formulas",
                n,
                "unit",
            ) from None
        if factor == 1.0:
            return target, fn
        return target, lambda env: fn(env) * factor

    def _graph(self) -> ModelGraph:
        inputs = {n: fx.names_in(t) for n, t in self._trees.items()}
        try:
            return ModelGraph(self.drivers, inputs)
        except graphlib.CycleError as exc:
            cycle = list(exc.args[1])
            raise self.error(
                f"formulas form a cycle: {' -> '.join(cycle)}",
                "formulas",
                cycle[0],
                hint="a formula cannot depend on itself",
            ) from None

    def _check_scenarios(self) -> None:
        for scen, values in self.spec.scenarios.items():
            for key in values:
                if key not in self.spec.drivers:
                    close = difflib.get_close_matches(key, self.drivers, n=3)
                    raise self.error(
                        f"scenario {scen!r} sets {key!r}, which is not a driver",
                        "scenarios",
                        scen,
                        key,
                        hint=f"did you mean {', '.join(close)}?" if close else None,
                    )

    def _check_correlations(self) -> None:
        seen = set()
        for i, corr in enumerate(self.spec.correlations):
            a, b = corr.between
            for n in (a, b):
                if n not in self.spec.drivers or not self.spec.drivers[n].has_range:
                    raise self.error(
                        f"correlation names {n!r}, not a driver with a range",
                        "correlations",
                        i,
                        "between",
                    )
            if a == b or frozenset((a, b)) in seen:
                raise self.error(
                    f"correlation {a}~{b} is repeated or self-referencing",
                    "correlations",
                    i,
                    "between",
                )
            seen.add(frozenset((a, b)))
        if self.spec.correlations:
            names = sorted({n for c in self.spec.correlations for n in c.between})
            normal_correlation(names, self.spec.correlations, file=self.file)

    # ------------------------------------------------------------ evaluation
    def compile_expression(self, text: str, field: str) -> CompiledExpr:
        """Compile an extra expression (claim, target) over this model's names."""
        tree = fx.parse(text, file=self.file, field=field)
        fn = fx.compile_tree(tree, self.known, file=self.file, field=field)
        unit, factors = infer_units(tree, self.units, file=self.file, field=field)
        fn = fx.compile_tree(tree, self.known, factors)
        return CompiledExpr(ast.unparse(tree), fn, unit, fx.names_in(tree))

    def unit_text(self, name: str) -> str:
        """Display text of a name's unit ('' if dimensionless)."""
        return format_unit(self.units[name])

    def coerce(self, name: str, value: Any, field: str) -> float:
        """A number for ``name`` from a float or text like ``"2.5 USD_tn"`` (converted)."""
        if name not in self.known:
            close = difflib.get_close_matches(name, sorted(self.known), n=3)
            raise SpecError(
                f"{name!r} is not a driver or formula of {self.name}",
                file=self.file,
                field=field,
                hint=f"did you mean {', '.join(close)}?" if close else None,
            )
        if isinstance(value, int | float | np.floating) and not isinstance(value, bool):
            return float(value)
        parts = str(value).strip().split(maxsplit=1)
        try:
            number = float(parts[0])
        except (IndexError, ValueError):
            raise SpecError(
                f"value {value!r} for {name!r} is not a number", file=self.file, field=field
            ) from None
        if len(parts) == 1:
            return number
        unit = parse_unit(parts[1], file=self.file, field=field)
        try:
            return number * conversion_factor(unit, self.units[name])
        except Exception:
            raise SpecError(
                f"unit {parts[1]!r} does not convert to {name}'s '{self.unit_text(name)}'",
                file=self.file,
                field=field,
            ) from None

    def base_values(
        self, scenario: str | None = None, overrides: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """``(drivers, pinned formulas)`` for a scenario plus overrides.

        Raises:
            SpecError: unknown scenario or override name.
        """
        values = {n: float(d.value) for n, d in self.spec.drivers.items()}
        if scenario is not None:
            if scenario not in self.spec.scenarios:
                raise SpecError(
                    f"no scenario {scenario!r} in {self.name}",
                    file=self.file,
                    field="scenario",
                    hint=f"scenarios: {', '.join(self.spec.scenarios) or 'none defined'}",
                )
            values.update(self.spec.scenarios[scenario])
        pinned: dict[str, float] = {}
        for key, raw in (overrides or {}).items():
            number = self.coerce(key, raw, f"overrides.{key}")
            (values if key in values else pinned)[key] = number
        return values, pinned

    def run(self, env: Mapping[str, Any], pinned: Mapping[str, Any] | None = None) -> dict:
        """Evaluate every formula over driver values ``env`` (numbers or arrays)."""
        out = dict(env)
        pinned = pinned or {}
        with np.errstate(all="ignore"):
            for n in self.formulas:
                out[n] = pinned[n] if n in pinned else self._fns[n](out)
        return out

    def evaluate(
        self, scenario: str | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Evaluation:
        """Every driver and formula at the base case, a scenario and/or overrides.

        Args:
            scenario: a name from ``scenarios:``.
            overrides: name -> number (in the name's unit) or text with a unit
                (``"2.5 USD_tn"``); a formula name pins that formula's value.

        Raises:
            SpecError: unknown scenario/override; FormulaError: a non-finite result.
        """
        env, pinned = self.base_values(scenario, overrides)
        out = self.run(env, pinned)
        for n in self.formulas:
            if not np.isfinite(out[n]):
                raise FormulaError(
                    f"evaluates to {float(out[n])} (division by zero?)",
                    file=self.file,
                    field=f"formulas.{n}",
                )
        kinds = {n: "driver" for n in self.drivers} | {n: "formula" for n in self.formulas}
        return Evaluation(
            model=self.name,
            output=self.output,
            values={n: float(out[n]) for n in [*self.drivers, *self.formulas]},
            units={n: self.unit_text(n) for n in [*self.drivers, *self.formulas]},
            kinds=kinds,
            scenario=scenario,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.name!r}, drivers={len(self.drivers)}, "
            f"formulas={len(self.formulas)}, claims={len(self.spec.claims)})"
        )
