"""The safe formula language: parsed with :mod:`ast`, compiled to vectorised NumPy.

A formula is one expression over driver/formula names::

    dc_it_tam * (1 / hw_life + organic_growth) * nvda_share * net_margin * pe

Allowed: numbers (int/float literals), names (ASCII identifiers), ``+ - * / **``, unary
``-``/``+``, comparisons (``< <= > >= == !=``, chained comparisons too; they yield 1.0 or
0.0) and the functions ``min``, ``max`` (2+ args, elementwise), ``abs``, ``log``
(natural), ``exp``, ``sqrt``, ``where(cond, a, b)`` and ``clip(x, lo, hi)``.

Data functions (``close``, ``total_return``, ``excess_return``, ``market_cap``, ``kpi``,
``index_level``, ``first_date``; :data:`DATA_FUNCTIONS`) name a figure of the record: their
arguments are tickers (a bare name ``NVDA`` or a string ``"0700.HK"``), index names
(``agix``, ``"ai-infra"``), dates (``"2024-06-14"``,
``2025``, ``article_date``, ``"article_date + 12M"``, ``latest``) or KPI names. They never
read anything here: :func:`data_calls` lists them, a resolver above this module fetches
each value, and the compiled function looks it up in ``env`` under :func:`data_key`.
They are allowed only where the caller says so (``compile_tree(..., data=True)``, record
claims); strings are allowed only as their arguments.

Everything else is rejected with :class:`~aithesis.errors.FormulaError` before anything
runs: attributes, subscripts, lambdas, comprehensions, other calls, keywords, strings,
``and``/``or``, non-ASCII text (so no Unicode look-alikes), dunder names. Limits:
:data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` nesting, :data:`MAX_NODES` nodes and
constant exponents of magnitude at most :data:`MAX_EXPONENT`. Nothing is ever passed to
``eval``/``exec``/``compile``: the AST is turned into a tree of Python closures over NumPy
ufuncs. Arithmetic runs in float64 under ``np.errstate(all="ignore")``; overflow gives
``inf`` rather than an exception.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from aithesis.errors import FormulaError

__all__ = [
    "DATA_FUNCTIONS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "Compiled",
    "compile_tree",
    "data_calls",
    "data_key",
    "evaluate",
    "names_in",
    "parse",
]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NODES = 400
MAX_EXPONENT = 64.0

Compiled = Callable[[Mapping[str, Any]], Any]

# name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "min": (2, 32),
    "max": (2, 32),
    "abs": (1, 1),
    "log": (1, 1),
    "exp": (1, 1),
    "sqrt": (1, 1),
    "where": (3, 3),
    "clip": (3, 3),
}

# data functions: name -> (min args, max args); see the module docstring
DATA_FUNCTIONS: dict[str, tuple[int, int]] = {
    "close": (2, 2),
    "total_return": (2, 3),
    "excess_return": (3, 4),
    "market_cap": (2, 2),
    "kpi": (3, 3),
    "index_level": (2, 2),
    "first_date": (2, 2),
}
_DATA_TEXT = re.compile(r"^[A-Za-z0-9_.:+\- ]{1,40}$")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.Pow: np.power,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


def _fail(message: str, where: dict, text: str | None = None) -> FormulaError:
    if text is not None:
        message = f"{message} in formula {text[:80]!r}"
    return FormulaError(message, **where)


def parse(text: Any, *, file: str | None = None, field: str | None = None) -> ast.expr:
    """Parse and validate one formula; return the body of its AST.

    Args:
        text: the formula (a ``str``; numbers are accepted and become constants).
        file, field: where the formula comes from, for error messages.

    Raises:
        FormulaError: anything outside the language, over a limit, or not parseable.
    """
    where = {"file": file, "field": field}
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise _fail(f"a formula must be text, got {type(text).__name__}", where)
    text = str(text)
    if not text.strip():
        raise _fail("empty formula", where)
    if len(text) > MAX_LENGTH:
        raise _fail(f"formula longer than {MAX_LENGTH} characters", where, text)
    bad = [ch for ch in text if not ch.isascii() or not (ch.isprintable() or ch in " \t\n")]
    if bad:
        raise _fail(f"character {bad[0]!r} is not allowed (printable ASCII only)", where, text)
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth > MAX_DEPTH:
            raise _fail(f"brackets nested deeper than {MAX_DEPTH}", where, text)
    try:
        module = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        msg = getattr(exc, "msg", None) or type(exc).__name__
        raise _fail(f"not a valid formula ({msg})", where, text) from None
    body = module.body
    _Validator(where, text).check(body)
    return body


class _Validator:
    def __init__(self, where: dict, text: str) -> None:
        self.where = where
        self.text = text
        self.count = 0

    def fail(self, message: str) -> FormulaError:
        return _fail(message, self.where, self.text)

    def check(self, node: ast.AST, depth: int = 0) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(f"formula has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise self.fail(f"formula nested deeper than {MAX_DEPTH}")
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(f"only numbers are allowed as constants, not {value!r}")
            try:
                number = float(value)
            except OverflowError:
                number = float("inf")
            if not np.isfinite(number) or abs(number) > 1e300:
                raise self.fail(f"constant {str(value)[:20]} is too large")
        elif isinstance(node, ast.Name):
            if not _NAME.match(node.id) or node.id.startswith("__"):
                raise self.fail(f"name {node.id!r} is not allowed")
            if node.id in FUNCTIONS:
                raise self.fail(f"function {node.id!r} must be called")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise self.fail(f"operator {type(node.op).__name__} is not allowed")
            self.check(node.operand, depth + 1)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise self.fail(f"operator {type(node.op).__name__} is not allowed")
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                self.check_exponent(node.right)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMPOPS:
                    raise self.fail(f"comparison {type(op).__name__} is not allowed")
            for child in (node.left, *node.comparators):
                self.check(child, depth + 1)
        elif isinstance(node, ast.Call) and _is_data(node):
            self.check_data(node, depth)
        elif isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
                shown = ast.unparse(func)[:40]
                raise self.fail(
                    f"call of {shown!r} is not allowed; functions: {', '.join(FUNCTIONS)}"
                )
            if node.keywords:
                raise self.fail(f"{func.id}() takes no keyword arguments")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise self.fail(f"{func.id}() takes no *arguments")
            low, high = FUNCTIONS[func.id]
            if not low <= len(node.args) <= high:
                raise self.fail(f"{func.id}() takes {low}..{high} arguments, got {len(node.args)}")
            for arg in node.args:
                self.check(arg, depth + 1)
        else:
            raise self.fail(f"{type(node).__name__} is not allowed in a formula")

    def check_data(self, node: ast.Call, depth: int, inner: bool = False) -> None:
        name = node.func.id  # type: ignore[attr-defined]
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"{name}() takes plain arguments only")
        low, high = DATA_FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            raise self.fail(f"{name}() takes {low}..{high} arguments, got {len(node.args)}")
        args = list(node.args)
        if name == "first_date":
            if inner:
                raise self.fail("first_date() cannot be nested")
            cond = args.pop(0)
            if not (
                isinstance(cond, ast.Compare)
                and len(cond.ops) == 1
                and type(cond.ops[0]) in _CMPOPS
                and isinstance(cond.left, ast.Call)
                and _is_data(cond.left)
                and cond.left.func.id != "first_date"  # type: ignore[attr-defined]
                and _fold(cond.comparators[0]) is not None
            ):
                raise self.fail(
                    "first_date(condition, after) needs a condition such as "
                    "'market_cap(NVDA, t) >= 5e12' (a data function of the date t, one "
                    "comparison, a number)"
                )
            self.count += 2
            self.check_data(cond.left, depth + 1, inner=True)
        for arg in args:
            self.count += 1
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if not _DATA_TEXT.match(arg.value):
                    raise self.fail(f"{name}() argument {arg.value[:40]!r} is not allowed")
            elif isinstance(arg, ast.Constant) and type(arg.value) is int:
                if not 0 <= arg.value <= 9999:
                    raise self.fail(f"{name}() argument {arg.value} is not a year")
            elif isinstance(arg, ast.Name):
                if not _NAME.match(arg.id) or arg.id.startswith("__"):
                    raise self.fail(f"name {arg.id!r} is not allowed")
            else:
                raise self.fail(
                    f"{name}() takes tickers, dates and KPI names (a name, a year or a "
                    f"string), not {ast.unparse(arg)[:40]!r}"
                )

    def check_exponent(self, node: ast.expr) -> None:
        value = _fold(node)
        if value is not None and abs(value) > MAX_EXPONENT:
            raise self.fail(f"constant exponent {value:g} exceeds {MAX_EXPONENT:g}")


def _fold(node: ast.expr) -> float | None:
    """Value of a constant-only subexpression (numbers, + - * / **), else None."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.UnaryOp):
        inner = _fold(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _fold(node.left), _fold(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            return float("inf")
        with np.errstate(all="ignore"):
            return float(_BINOPS[type(node.op)](np.float64(left), np.float64(right)))
    return None


def _is_data(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in DATA_FUNCTIONS
    )


def _walk_outside_data(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except what lies inside data-function calls."""
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        if not _is_data(node):
            stack.extend(ast.iter_child_nodes(node))
    return out


def names_in(tree: ast.expr) -> set[str]:
    """Names (drivers/formulas) a validated formula refers to (not data-call arguments)."""
    return {
        n.id for n in _walk_outside_data(tree) if isinstance(n, ast.Name) and n.id not in FUNCTIONS
    }


def data_key(node: ast.Call) -> str:
    """The ``env`` key under which a data call's value is looked up (its source text)."""
    return ast.unparse(node)


def data_calls(tree: ast.expr) -> list[ast.Call]:
    """The outermost data-function calls of a validated formula, in source order."""
    calls = [n for n in _walk_outside_data(tree) if _is_data(n)]
    return sorted(calls, key=lambda n: (n.lineno, n.col_offset))


def _scaled(fn: Compiled, factor: float | None) -> Compiled:
    if factor is None or factor == 1.0:
        return fn
    return lambda env: fn(env) * factor


def _call(name: str, args: list[Compiled]) -> Compiled:
    if name == "min":
        return lambda env: _reduce(np.minimum, args, env)
    if name == "max":
        return lambda env: _reduce(np.maximum, args, env)
    if name == "where":
        c, a, b = args
        return lambda env: np.where(np.asarray(c(env)) != 0, a(env), b(env))
    if name == "clip":
        x, lo, hi = args
        return lambda env: np.minimum(np.maximum(x(env), lo(env)), hi(env))
    func = {"abs": np.abs, "log": np.log, "exp": np.exp, "sqrt": np.sqrt}[name]
    (arg,) = args
    return lambda env: func(arg(env))


def _reduce(op: Callable[[Any, Any], Any], args: list[Compiled], env: Mapping[str, Any]) -> Any:
    out = args[0](env)
    for fn in args[1:]:
        out = op(out, fn(env))
    return out


def compile_tree(
    tree: ast.expr,
    known: set[str] | None = None,
    factors: dict[int, float] | None = None,
    *,
    file: str | None = None,
    field: str | None = None,
    data: bool = False,
) -> Compiled:
    """Turn a validated AST into a function ``env -> float | ndarray``.

    Args:
        tree: from :func:`parse`.
        known: names that may appear; others raise (``None``: any name).
        factors: unit-conversion factors by ``id(node)`` (see ``units.infer_units``).
        data: allow data functions (their values are read from ``env[data_key(call)]``).

    Raises:
        FormulaError: an unknown name (with close matches in the hint); a data function
            where ``data`` is False.
    """
    factors = factors or {}
    where = {"file": file, "field": field}
    calls = data_calls(tree)
    if calls and not data:
        name = calls[0].func.id  # type: ignore[attr-defined]
        raise FormulaError(
            f"data function {name}() reads the record and has no store here "
            f"(formula {ast.unparse(tree)[:80]!r})",
            **where,
            hint="use it in a claim with 'kind: record', or bind a driver to it with "
            "'from:', evaluated with a store",
        )
    if known is not None:
        for name in sorted(names_in(tree)):
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=3)
                raise FormulaError(
                    f"unknown name {name!r} in formula {ast.unparse(tree)[:80]!r}",
                    **where,
                    hint=f"did you mean {', '.join(close)}?" if close else "define it as a driver",
                )

    def build(node: ast.expr) -> Compiled:
        fn = build_raw(node)
        return _scaled(fn, factors.get(id(node)))

    def build_raw(node: ast.expr) -> Compiled:
        if isinstance(node, ast.Constant):
            value = np.float64(node.value)
            return lambda env: value
        if isinstance(node, ast.Name):
            key = node.id
            return lambda env: env[key]
        if isinstance(node, ast.UnaryOp):
            inner = build(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda env: np.negative(inner(env))
            return inner
        if isinstance(node, ast.BinOp):
            op = _BINOPS[type(node.op)]
            left, right = build(node.left), build(node.right)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.Compare):
            return _compare(node, build)
        if _is_data(node):
            key = data_key(node)  # type: ignore[arg-type]
            return lambda env: env[key]
        if isinstance(node, ast.Call):
            return _call(node.func.id, [build(a) for a in node.args])  # type: ignore[attr-defined]
        raise FormulaError(f"{type(node).__name__} is not allowed", **where)  # pragma: no cover

    return build(tree)


def _compare(node: ast.Compare, build: Callable[[ast.expr], Compiled]) -> Compiled:
    parts = [build(node.left)] + [build(c) for c in node.comparators]
    ops = [_CMPOPS[type(op)] for op in node.ops]

    def run(env: Mapping[str, Any]) -> Any:
        values = [p(env) for p in parts]
        out = ops[0](values[0], values[1])
        for i in range(1, len(ops)):
            out = np.logical_and(out, ops[i](values[i], values[i + 1]))
        return np.asarray(out, dtype=np.float64) if np.ndim(out) else np.float64(out)

    return run


def evaluate(text: Any, env: Mapping[str, Any] | None = None) -> float | np.ndarray:
    """Parse, compile and evaluate one formula over ``env`` (names -> numbers/arrays).

    Returns a float64 scalar or array; raises :class:`FormulaError` for anything else,
    including a name missing from ``env`` and inputs that are not numeric.

    Example:
        >>> float(evaluate("a * (1 + g) ** 2", {"a": 100.0, "g": 0.1}))
        121.00000000000003
    """
    env = dict(env or {})
    tree = parse(text)
    fn = compile_tree(tree, set(env))
    try:
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in env.items()}
        with np.errstate(all="ignore"):
            out = fn(arrays)
        return np.asarray(out, dtype=np.float64) if np.ndim(out) else np.float64(out)
    except (TypeError, ValueError) as exc:
        raise FormulaError(f"cannot evaluate {text!r}: {exc}") from None
