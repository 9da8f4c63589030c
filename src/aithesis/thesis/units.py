"""Units for thesis models: one pint registry with money, energy and count units.

Models declare a unit per driver (``USD_bn``, ``kWh``, ``GPU``, ``1/year``...). Units are
checked **once, symbolically**, when a model loads: :func:`infer_units` walks a formula's
AST, checks that added, compared or clipped terms have the same dimension and returns the
conversion factor each such term needs. Evaluation then runs on plain NumPy floats, each
value expressed in its own node's unit, so Monte Carlo pays nothing for units.

Custom units (on top of pint's defaults, where ``year`` = 365.25 days, ``GB`` = 1e9 bytes
and ``percent`` = 0.01):

* money: ``USD``, ``RMB`` (alias ``CNY``) and ``HKD`` are *different* dimensions (no FX is
  implied),
  with ``USD_k`` (1e3), ``USD_mn`` (1e6), ``USD_bn`` (1e9), ``USD_tn`` (1e12),
  ``RMB_100M`` (1e8, the Chinese 亿元), ``RMB_bn``;
* counts, each its own dimension so that ``GPU * kW/GPU`` cancels: ``GPU``, ``token``,
  ``person`` (alias ``user``), ``parameter`` (alias ``param``), ``device``, ``company``;
* energy: ``kWh_100M`` (1e8 kWh, the Chinese 亿度), ``TWh`` comes from pint;
* ``percentage_point`` (= ``percent``; pint's ``pp`` is a printer's point) and
  ``quarter_year`` (3 months; pint's ``quarter`` is a mass), for statements read from
  articles (:mod:`aithesis.articles`).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

import pint

from aithesis.errors import FormulaError

__all__ = [
    "DIMENSIONLESS",
    "MAX_UNIT_CHARS",
    "MAX_UNIT_POWER",
    "Unit",
    "conversion_factor",
    "format_unit",
    "infer_units",
    "parse_unit",
    "registry",
]

Unit = pint.Unit

_DEFINITIONS = (
    "USD = [currency_usd]",
    "USD_k = 1e3 USD",
    "USD_mn = 1e6 USD",
    "USD_bn = 1e9 USD",
    "USD_tn = 1e12 USD",
    "RMB = [currency_rmb] = _ = CNY",
    "RMB_100M = 1e8 RMB",
    "RMB_bn = 1e9 RMB",
    "GPU = [gpu]",
    "token = [token]",
    "person = [person] = _ = user",
    "parameter = [parameter] = _ = param",
    "device = [device]",
    "kWh_100M = 1e8 kilowatt_hour",
    "HKD = [currency_hkd]",
    "company = [company]",
    "percentage_point = percent",
    "quarter_year = 3 * month",
)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The shared unit registry (pint defaults plus the custom units above)."""
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    for line in _DEFINITIONS:
        ureg.define(line)
    return ureg


def _dimensionless() -> pint.Unit:
    return registry().dimensionless


DIMENSIONLESS = "dimensionless"


MAX_UNIT_CHARS = 120
"""Longest unit text accepted (the longest built-in one has 21 characters)."""
MAX_UNIT_POWER = 12
"""Largest ``|exponent|`` written in a unit (``m**3``) or reached by any of its names."""
MAX_UNIT_NESTING = 4
"""Deepest parentheses in a unit text."""

_UNIT_TOKEN = re.compile(
    r"\s*(?:(?P<name>(?:[^\W\d]|°)\w*)|(?P<number>\d+(?:\.\d+)?)|(?P<op>\*\*|\^|[*/()%-])|(?P<bad>\S))"
)


class _UnitText:
    """Allow-list check of a unit text before pint sees it (pint evaluates ``9**9**9``).

    Grammar (spaces between factors multiply, as in pint)::

        unit   := factor (('*' | '/' | ' ') factor)*
        factor := atom [('**' | '^') ['-'] NUMBER]      NUMBER <= MAX_UNIT_POWER
        atom   := NAME | '1' | '%' | '(' unit ')'       NAME a unit of the registry

    No other numbers, no chained powers, at most :data:`MAX_UNIT_NESTING` parentheses.
    """

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        for match in _UNIT_TOKEN.finditer(text):
            kind = match.lastgroup or "bad"
            if kind == "bad":
                raise ValueError(f"character {match.group(kind)!r} is not allowed")
            self.tokens.append((kind, match.group(kind)))
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def check(self) -> None:
        if not self.tokens:
            raise ValueError("no unit names")
        self.unit(0)
        if self.peek()[0] != "end":
            raise ValueError(f"unexpected {self.peek()[1]!r}")

    def unit(self, depth: int) -> None:
        self.factor(depth)
        while True:
            kind, value = self.peek()
            if kind == "op" and value in ("*", "/"):
                self.take()
                self.factor(depth)
            elif kind == "name" or (kind == "op" and value in ("(", "%")) or kind == "number":
                self.factor(depth)  # juxtaposition multiplies
            else:
                return

    def factor(self, depth: int) -> None:
        kind, value = self.take()
        if kind == "name":
            if not _known_name(value):
                raise ValueError(f"{value!r} is not a known unit")
        elif kind == "number":
            if value != "1":
                raise ValueError(f"number {value!r} in a unit (only '1', as in 1/year)")
        elif (kind, value) == ("op", "("):
            if depth >= MAX_UNIT_NESTING:
                raise ValueError(f"more than {MAX_UNIT_NESTING} nested parentheses")
            self.unit(depth + 1)
            if self.take() != ("op", ")"):
                raise ValueError("unbalanced parentheses")
        elif (kind, value) != ("op", "%"):
            raise ValueError(f"unexpected {value!r}" if value else "unexpected end")
        if self.peek() in (("op", "**"), ("op", "^")):
            self.take()
            kind, value = self.take()
            if (kind, value) == ("op", "-"):
                kind, value = self.take()
            if kind != "number" or float(value) > MAX_UNIT_POWER:
                raise ValueError(f"a power must be a number up to {MAX_UNIT_POWER}")
            if self.peek() in (("op", "**"), ("op", "^")):
                raise ValueError("chained powers (a**b**c) are not allowed")


def _known_name(name: str) -> bool:
    """True for a unit name of the registry (prefixes and plurals as pint reads them)."""
    if name.startswith("_"):  # pint looks such names up as attributes of the registry
        return False
    try:
        return name in registry()
    except Exception:  # pint raises several classes for odd names
        return False


def parse_unit(text: str | None, *, file: str | None = None, field: str | None = None) -> Unit:
    """Parse a unit string (``None`` or ``""`` means dimensionless).

    The text is checked against a small grammar first (:class:`_UnitText`: known unit
    names joined by ``*``, ``/`` or spaces, powers up to :data:`MAX_UNIT_POWER`, at most
    :data:`MAX_UNIT_CHARS` characters), so pint never evaluates arbitrary arithmetic
    such as ``9**9**9`` (which would run for ever).

    Raises:
        SpecError: the text is not a unit of the registry (names file and key).
    """
    from aithesis.errors import SpecError

    if text is None or str(text).strip() in ("", "1", "dimensionless"):
        return _dimensionless()
    text = str(text)
    hint = "use e.g. USD_bn, RMB_100M, kWh, GW, GPU, year, 1/year, percent, m**2"
    try:
        if len(text) > MAX_UNIT_CHARS:
            raise ValueError(f"longer than {MAX_UNIT_CHARS} characters")
        _UnitText(text).check()
    except ValueError as exc:
        raise SpecError(
            f"unknown unit {text[:60]!r} ({exc})", file=file, field=field, hint=hint
        ) from None
    try:
        unit = registry().Unit(text)
    except Exception as exc:  # pint raises several classes here
        raise SpecError(
            f"unknown unit {text!r} ({type(exc).__name__})", file=file, field=field, hint=hint
        ) from None
    if any(abs(power) > MAX_UNIT_POWER for power in unit.dimensionality.values()):
        raise SpecError(
            f"unknown unit {text!r} (a power beyond {MAX_UNIT_POWER})",
            file=file,
            field=field,
            hint=hint,
        )
    return unit


def format_unit(unit: Unit) -> str:
    """Short text of a unit ('' for plain dimensionless)."""
    if unit == _dimensionless():
        return ""
    text = f"{unit:~C}"
    return _LONG.sub(lambda m: _NAMES[m.group(0)], text)


_NAMES = {"a": "year", "d": "day", "%": "percent"}
_LONG = re.compile(r"(?<![A-Za-z_])(a|d)(?![A-Za-z_])|%")


def conversion_factor(src: Unit, dst: Unit) -> float:
    """Multiply a value in ``src`` by this to express it in ``dst``.

    Raises:
        pint.DimensionalityError: the units have different dimensions.
    """
    if src == dst:
        return 1.0
    return float((1.0 * src).to(dst).magnitude)


def _compatible(a: Unit, b: Unit) -> bool:
    return a.dimensionality == b.dimensionality


class _UnitPass:
    """Walk a validated formula AST; record factors; return the result unit."""

    def __init__(self, units_of: dict[str, Unit], where: dict) -> None:
        self.units_of = units_of
        self.where = where
        self.factors: dict[int, float] = {}

    def fail(self, message: str) -> FormulaError:
        return FormulaError(message, **self.where)

    def same(self, nodes: list[ast.expr], what: str) -> Unit:
        """All nodes must share a dimension; later ones get factors to the first's unit."""
        first = self.visit(nodes[0])
        for node in nodes[1:]:
            unit = self.visit(node)
            if not _compatible(first, unit):
                raise self.fail(
                    f"cannot {what} '{format_unit(first) or 'dimensionless'}' and "
                    f"'{format_unit(unit) or 'dimensionless'}' in "
                    f"'{ast.unparse(nodes[0])}' / '{ast.unparse(node)}'"
                )
            factor = conversion_factor(unit, first)
            if factor != 1.0:
                self.factors[id(node)] = factor
        return first

    def plain(self, node: ast.expr, what: str) -> None:
        """``node`` must be dimensionless; scaled units (percent) get a factor to 1."""
        unit = self.visit(node)
        if not unit.dimensionless:
            raise self.fail(
                f"{what} needs a dimensionless argument, got '{format_unit(unit)}' "
                f"in '{ast.unparse(node)}'"
            )
        factor = conversion_factor(unit, _dimensionless())
        if factor != 1.0:
            self.factors[id(node)] = factor

    def visit(self, node: ast.expr) -> Unit:
        if isinstance(node, ast.Constant):
            return _dimensionless()
        if isinstance(node, ast.Name):
            return self.units_of[node.id]
        if isinstance(node, ast.UnaryOp):
            return self.visit(node.operand)
        if isinstance(node, ast.Compare):
            self.same([node.left, *node.comparators], "compare")
            return _dimensionless()
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"unsupported expression '{ast.unparse(node)}'")  # pragma: no cover

    def binop(self, node: ast.BinOp) -> Unit:
        if isinstance(node.op, ast.Add | ast.Sub):
            return self.same([node.left, node.right], "add or subtract")
        if isinstance(node.op, ast.Mult):
            return self.visit(node.left) * self.visit(node.right)
        if isinstance(node.op, ast.Div):
            return self.visit(node.left) / self.visit(node.right)
        # power
        base = self.visit(node.left)
        self.plain(node.right, "an exponent")
        if base.dimensionless:
            self.plain(node.left, "a power with a non-constant exponent")
            return _dimensionless()
        exponent = _constant_value(node.right)
        if exponent is None:
            raise self.fail(
                f"'{ast.unparse(node)}': a quantity with unit '{format_unit(base)}' can only "
                "be raised to a constant number"
            )
        return base**exponent

    def call(self, node: ast.Call) -> Unit:
        name = node.func.id  # type: ignore[attr-defined]  # validated by expr.py
        args = node.args
        if name in ("min", "max"):
            return self.same(list(args), f"take {name} of")
        if name == "abs":
            return self.visit(args[0])
        if name == "sqrt":
            return self.visit(args[0]) ** 0.5
        if name in ("log", "exp"):
            self.plain(args[0], name)
            return _dimensionless()
        if name == "where":
            self.visit(args[0])
            return self.same([args[1], args[2]], "choose between")
        if name == "clip":
            return self.same(list(args), "clip")
        raise self.fail(f"unknown function {name!r}")  # pragma: no cover


def _constant_value(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _constant_value(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    return None


def infer_units(
    tree: ast.expr,
    units_of: dict[str, Unit],
    *,
    file: str | None = None,
    field: str | None = None,
) -> tuple[Unit, dict[int, float]]:
    """Infer a formula's unit and the conversion factors its terms need.

    Args:
        tree: a validated formula body (from :func:`aithesis.thesis.expr.parse`).
        units_of: unit of every name the formula uses.
        file, field: where the formula is (for error messages).

    Returns:
        ``(unit, factors)``: the result unit, and for every node whose value must be
        rescaled to match its sibling (``USD_bn + USD_mn``, ``1 + percent``) the factor,
        keyed by ``id(node)``.

    Raises:
        FormulaError: incompatible dimensions (``kWh + USD``), a dimensioned exponent,
            ``log`` of a quantity with units... The message names the formula.
    """
    walker = _UnitPass(units_of, {"file": file, "field": field})
    unit = walker.visit(tree)
    return unit, walker.factors
