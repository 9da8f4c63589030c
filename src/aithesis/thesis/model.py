"""A thesis model: a compiled driver tree with its claims and analyses as methods.

:class:`ThesisModel` is a :class:`~aithesis.thesis.compiled.CompiledModel` (names, the
formula DAG, units, scenarios, correlations, all checked when it is built) whose claims
are compiled and checked too; its methods run the analyses of
:mod:`~aithesis.thesis.sensitivity` (tornado, grid, Monte Carlo),
:mod:`~aithesis.thesis.solve` (reverse valuation) and :mod:`~aithesis.thesis.claims`.
Those modules depend on :class:`CompiledModel` only, so nothing imports back up here.
"""

from __future__ import annotations

from typing import Any

import yaml

from aithesis.errors import FormulaError, SpecError
from aithesis.specfile import line_of
from aithesis.thesis import expr as fx
from aithesis.thesis.claims import check_claims, compile_claims
from aithesis.thesis.compiled import CompiledExpr, CompiledModel
from aithesis.thesis.record_from import Binding, compile_from
from aithesis.thesis.results import (
    ClaimReport,
    GridResult,
    MonteCarloResult,
    SolveResult,
    TornadoResult,
)
from aithesis.thesis.sensitivity import grid as _grid
from aithesis.thesis.sensitivity import monte_carlo as _monte_carlo
from aithesis.thesis.sensitivity import tornado as _tornado
from aithesis.thesis.solve import solve as _solve
from aithesis.thesis.spec import ModelSpec

__all__ = ["CompiledExpr", "ThesisModel"]


class ThesisModel(CompiledModel):
    """A driver-tree model with claims; see :class:`CompiledModel` for the attributes.

    Attributes:
        bindings: every driver bound to data (``from:``) -> its
            :class:`~aithesis.thesis.record_from.Binding`: ``source="literal"`` as built
            here (the driver's literal ``value``; no store), ``"data"`` when built by
            :func:`aithesis.thesis.record_bind.load_model_as_of` with a store.

    Raises:
        SpecError / FormulaError: anything wrong in the spec, claims and ``from:``
            included (names the file, line and key); a bound driver without a literal
            value (it needs a store).
    """

    def __init__(self, spec: ModelSpec, file: str = "<model>", root: yaml.Node | None = None):
        _refuse_data_in_formulas(spec, str(file), root)
        froms = compile_from(spec, str(file), root)
        for n, f in froms.items():
            if spec.drivers[n].value is None:
                raise SpecError(
                    f"driver {n!r} takes its value from data (from: {f.text[:60]}) and has "
                    "no literal value",
                    file=str(file),
                    row=f.row,
                    field=f"drivers.{n}",
                    hint="evaluate it with a store (--store or --as-of) or give 'value:'",
                )
        super().__init__(spec, file, root)
        self._claims = compile_claims(self)
        self.bindings: dict[str, Binding] = {
            n: Binding(n, f.text, float(spec.drivers[n].value or 0.0), "literal")
            for n, f in froms.items()
        }

    def tornado(self, output: str | None = None, scenario: str | None = None) -> TornadoResult:
        """Each ranged driver to its low and high, others at base; ranked by swing."""
        return _tornado(self, output, scenario)

    def grid(
        self,
        x: str,
        xs: Any,
        y: str,
        ys: Any,
        output: str | None = None,
        scenario: str | None = None,
    ) -> GridResult:
        """Output over a two-way grid of driver values (``x`` rows, ``y`` columns)."""
        return _grid(self, x, xs, y, ys, output, scenario)

    def monte_carlo(
        self,
        n: int = 10_000,
        seed: int | None = None,
        target: Any = None,
        scenario: str | None = None,
        output: str | None = None,
    ) -> MonteCarloResult:
        """Draw every uncertain driver ``n`` times; see :mod:`aithesis.thesis.montecarlo`.

        Args:
            target: ``"market_cap>=5000"`` (or ``"market_cap >= 5 USD_tn"``) for
                ``P(output >= value)``.
        """
        return _monte_carlo(self, n, seed, target, scenario, output)

    def solve(
        self,
        target_output: str,
        target_value: float | str,
        for_driver: str,
        bracket: tuple[float, float] | None = None,
        scenario: str | None = None,
    ) -> SolveResult:
        """The value of ``for_driver`` that makes ``target_output`` equal ``target_value``."""
        return _solve(self, target_output, target_value, for_driver, bracket, scenario)

    def check_claims(self, *, cross: bool = True) -> ClaimReport:
        """Check every claim (and, with ``cross``, claims implying the same quantity)."""
        return check_claims(self, self._claims, cross=cross)


def _refuse_data_in_formulas(spec: ModelSpec, file: str, root: yaml.Node | None) -> None:
    """A data call in a model formula is a one-line error naming file, line and formula
    (data enters a model only through a driver's ``from:``)."""
    for n, f in spec.formulas.items():
        field = f"formulas.{n}"
        calls = fx.data_calls(fx.parse(f.expr, file=file, field=field))
        if calls:
            name = calls[0].func.id  # type: ignore[attr-defined]
            raise FormulaError(
                f"data function {name}() reads the record and has no store here "
                f"(formula {f.expr[:80]!r})",
                file=file,
                row=line_of(root, ("formulas", n)),
                field=field,
                hint="bind a driver to it with 'from:' (evaluated with a store), or use it "
                "in a claim with 'kind: record'",
            )
