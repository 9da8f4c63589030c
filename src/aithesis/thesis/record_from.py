"""Drivers bound to data: the pure half (compile a driver's ``from:``, compute its value).

A driver may carry ``from: market_cap(NVDA, latest)`` (any formula of data calls and
numbers; :data:`~aithesis.thesis.expr.DATA_FUNCTIONS` except ``first_date``, which gives
a date). This module validates those expressions when a model is built and computes their
figures out of a :class:`~aithesis.thesis.record_data.RecordData` the caller fetched; it
reads nothing (the caller's half is :mod:`aithesis.thesis.record_bind`).

Conventions:

* **Dates** are those of record claims (:func:`~aithesis.thesis.record.resolve_date`):
  ``latest`` is the as-of date of the evaluation; ``article_date`` the date of the model's
  ``source`` article; ISO dates; a year (its last close). A date means the last close at
  or before it. A price date after the as-of date is an error (the data did not exist).
* **As of a date**: prices up to it, share counts and KPI facts filed by it.
* **Units**: the figure is in USD for money (``close`` of a US listing, ``market_cap``, a
  money ``kpi``), index points for ``index_level``, a plain number otherwise (returns in
  decimal, ratios). The driver's ``unit`` says how to read it: a money unit (``USD_bn``)
  converts from USD, a flow (``USD_bn/year``) reads a fiscal year's USD figure as USD per
  year, ``year`` and ``1/year`` take the figure as years / per year, '' as is.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aithesis.errors import AithesisError, DataError, SpecError
from aithesis.thesis import expr as fx
from aithesis.thesis.record import MissingData, Resolver
from aithesis.thesis.units import conversion_factor, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    import yaml

    from aithesis.thesis.record_data import RecordData
    from aithesis.thesis.spec import ModelSpec

__all__ = ["Binding", "FromExpr", "compile_from", "from_value"]

_READ_AS = ("USD", "USD/year", "year", "1/year")


@dataclass(frozen=True)
class Binding:
    """Where a bound driver's value came from.

    Attributes:
        driver: the driver's name; expr: its ``from:`` text.
        value: the value used, in the driver's unit.
        source: ``"data"`` (read from the store) or ``"literal"`` (the driver's ``value``,
            used because the model was evaluated without a store).
        as_of: the as-of date of the data (ISO), None for a literal.
    """

    driver: str
    expr: str
    value: float
    source: str
    as_of: str | None = None


@dataclass(frozen=True)
class FromExpr:
    """One driver's compiled ``from:``: the AST, the compiled formula (data calls looked
    up by :func:`~aithesis.thesis.expr.data_key`), the USD -> unit factor and where it is."""

    driver: str
    text: str
    tree: ast.expr
    fn: fx.Compiled
    factor: float
    file: str
    row: int | None

    @property
    def field(self) -> str:
        return f"drivers.{self.driver}.from"

    def error(self, message: str, hint: str | None = None) -> DataError:
        """A one-line DataError naming the model file, the line of ``from:`` and the driver."""
        return DataError(message, file=self.file, row=self.row, field=self.field, hint=hint)


def _factor(unit: str, where: dict[str, Any]) -> float:
    target = parse_unit(unit, file=where["file"], field=where["field"])
    if target.dimensionless:
        return 1.0
    for text in _READ_AS:
        source = parse_unit(text)
        if source.dimensionality == target.dimensionality:
            return conversion_factor(source, target)
    raise SpecError(
        f"unit {unit!r} cannot hold a data figure (USD, USD per year, years or a plain number)",
        **where,
        hint="use a money unit such as USD_bn, or '' for a ratio or a return",
    )


def compile_from(spec: ModelSpec, file: str, root: yaml.Node | None = None) -> dict[str, FromExpr]:
    """Validate and compile every driver's ``from:`` (in file order).

    Raises:
        FormulaError / SpecError: not the safe formula language, no data call, a name
            (``from:`` reads data only), ``first_date``, or a unit that cannot hold the
            figure; one line naming the file, the line of ``from:`` and the driver.
    """
    from aithesis.specfile import line_of

    out: dict[str, FromExpr] = {}
    for name, d in spec.drivers.items():
        if d.from_ is None:
            continue
        row = line_of(root, ("drivers", name, "from"))
        where = {"file": file, "row": row, "field": f"drivers.{name}.from"}
        try:
            tree = fx.parse(d.from_, file=file, field=where["field"])
            fn = fx.compile_tree(tree, set(), file=file, field=where["field"], data=True)
        except AithesisError as exc:
            raise type(exc)(exc.message, **where, hint=exc.hint) from None
        calls = fx.data_calls(tree)
        if not calls:
            raise SpecError(
                "from: needs a data function (market_cap, close, kpi, index_level, ...)",
                **where,
            )
        if any(c.func.id == "first_date" for c in calls):  # type: ignore[attr-defined]
            raise SpecError("first_date() gives a date, not a driver's value", **where)
        out[name] = FromExpr(name, d.from_, tree, fn, _factor(d.unit, where), file, row)
    return out


def from_value(
    bound: FromExpr, data: RecordData, as_of: dt.date, article: dt.date | None = None
) -> float:
    """The driver's value (in its unit) with the data as of ``as_of``.

    Args:
        article: the model's article date (needed only if ``from:`` says ``article_date``).

    Raises:
        DataError: unknown ticker or index, a date before the data or after ``as_of``, not
            a date, a missing series or fact, a figure that is not finite; one line naming
            the model file, line and driver.
    """
    if article is None and "article_date" in bound.text:
        raise bound.error(
            "from: reads article_date but the model's source article has no catalogue date",
            hint="give the model a catalogued source or write an ISO date",
        )
    res = Resolver(data, article or as_of, as_of)
    res.latest = as_of  # 'latest' in from: means the evaluation's as-of date
    try:
        env = {}
        for call in fx.data_calls(bound.tree):
            name = call.func.id  # type: ignore[attr-defined]
            if name != "kpi":  # a KPI is known once filed (checked against as_of)
                late = [d for d in res.dates(call) if d > as_of]
                if late:
                    raise DataError(
                        f"{ast.unparse(call)[:60]} reads {max(late)}, after the as-of date {as_of}",
                        hint="use latest or a date at or before the as-of date",
                    )
            env[fx.data_key(call)] = np.float64(res.value(call))
    except MissingData as exc:
        raise bound.error(
            exc.message, hint="import the missing data or give another date"
        ) from None
    except AithesisError as exc:
        raise bound.error(exc.message, hint=exc.hint) from None
    with np.errstate(all="ignore"):
        value = float(bound.fn(env)) * bound.factor
    if not np.isfinite(value):
        raise bound.error(f"from: gives {value} as of {as_of} (division by zero?)")
    return value
