"""The safe formula language: correct arithmetic, and nothing unsafe ever runs."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aithesis.errors import FormulaError
from aithesis.thesis.expr import MAX_LENGTH, evaluate, names_in, parse

ENV = {"x": 2.0, "y": 3.0, "z": np.array([1.0, 4.0, 9.0])}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("x + y * 2", 2 + 3 * 2),
        ("(x + y) * 2", (2 + 3) * 2),
        ("x ** 3 - y / 4", 2**3 - 3 / 4),
        ("-x + +y", 1.0),
        ("min(x, y, 1.5)", 1.5),
        ("max(x, y)", 3.0),
        ("abs(x - y)", 1.0),
        ("log(exp(x))", 2.0),
        ("sqrt(y * 3)", 3.0),
        ("where(x > y, x, y)", 3.0),
        ("clip(10, x, y)", 3.0),
        ("(x < y) + (x == 2) + (x != 2) + (1 <= x <= 2)", 3.0),
        ("1e3 * x", 2000.0),
    ],
)
def test_formula_matches_hand_computation(formula: str, expected: float) -> None:
    assert float(evaluate(formula, ENV)) == pytest.approx(expected, rel=1e-12)


def test_formula_is_vectorised_over_arrays() -> None:
    out = evaluate("sqrt(z) * x + where(z > 3, 1, 0)", ENV)
    np.testing.assert_allclose(out, [2.0, 5.0, 7.0])


def test_names_in_lists_referenced_names() -> None:
    assert names_in(parse("a * min(b, c) + 1")) == {"a", "b", "c"}


def test_overflow_gives_inf_not_an_exception() -> None:
    assert math.isinf(float(evaluate("exp(x * 1000)", ENV)))


# (formula, words the error must use to name what is refused); the words are looked for in
# the message without the formula it quotes, so an echo of the input cannot satisfy them
HOSTILE = [
    ("__import__('os')", "call of '__import__' is not allowed"),
    ("__import__('os').system('echo hacked')", "call of"),
    ("().__class__", "Attribute is not allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "call of"),
    ("x.__class__", "Attribute is not allowed"),
    ("x.real", "Attribute is not allowed"),
    ("z[0]", "Subscript is not allowed"),
    ("lambda: 1", "Lambda is not allowed"),
    ("(lambda q: q)(1)", "call of 'lambda q: q' is not allowed"),
    ("[i for i in z]", "ListComp is not allowed"),
    ("(i for i in z)", "GeneratorExp is not allowed"),
    ("{i: 1 for i in z}", "DictComp is not allowed"),
    ("{1, 2}", "Set is not allowed"),
    ("{'a': 1}", "Dict is not allowed"),
    ("9**9**9", "exceeds 64"),
    ("x ** 1000", "constant exponent 1000 exceeds 64"),
    ("(" * 10_000 + "1" + ")" * 10_000, f"longer than {MAX_LENGTH} characters"),
    ("-" * 1500 + "1", "nested deeper than"),
    ("unknown_name + 1", "unknown name 'unknown_name'"),
    ("\uff58 + 1", "character '\uff58' is not allowed (printable ASCII only)"),  # full-width x
    ("x\u200b + 1", "printable ASCII only"),  # zero-width space
    ("x + \u0445", "character '\u0445' is not allowed"),  # Cyrillic look-alike of x
    ("'abc'", "only numbers are allowed as constants"),
    ("b'x'", "only numbers are allowed as constants"),
    ("f'{x}'", "JoinedStr is not allowed"),
    ("open('/etc/passwd')", "call of 'open' is not allowed"),
    ("eval('1')", "call of 'eval' is not allowed"),
    ("exec('x=1')", "call of 'exec' is not allowed"),
    ("getattr(x, 'real')", "call of 'getattr' is not allowed"),
    ("x if x else y", "IfExp is not allowed"),
    ("x and y", "BoolOp is not allowed"),
    ("x or y", "BoolOp is not allowed"),
    ("not x", "operator Not is not allowed"),
    ("x // 2", "operator FloorDiv is not allowed"),
    ("x % 2", "operator Mod is not allowed"),
    ("x << 2", "operator LShift is not allowed"),
    ("~x", "operator Invert is not allowed"),
    ("x @ x", "operator MatMult is not allowed"),
    ("(y := 1)", "NamedExpr is not allowed"),
    ("True", "constants, not True"),
    ("None", "constants, not None"),
    ("1j", "constants, not 1j"),
    ("1e999", "constant inf is too large"),
    ("10**400 * 10**400", "constant exponent 400 exceeds 64"),
    ("min(x)", "min() takes 2..32 arguments, got 1"),
    ("where(x, 1)", "where() takes 3..3 arguments, got 2"),
    ("log(x, base=2)", "log() takes no keyword arguments"),
    ("max(*z)", "max() takes no *arguments"),
    ("__builtins__", "name '__builtins__' is not allowed"),
    ("x; import os", "not a valid formula"),
    ("import os", "not a valid formula"),
    ("", "empty formula"),
    ("   ", "empty formula"),
    ("sqrt", "function 'sqrt' must be called"),
    ("x\x00", "character '\\x00' is not allowed"),
    ("a" * (MAX_LENGTH + 1), f"longer than {MAX_LENGTH} characters"),
    ("await x", "Await is not allowed"),
    ("yield x", "not a valid formula"),
    ("x[1:2]", "Subscript is not allowed"),
    ("...", "constants, not Ellipsis"),
]


@pytest.mark.parametrize(("formula", "words"), HOSTILE, ids=[f[:30] for f, _ in HOSTILE])
def test_hostile_formula_is_refused_naming_the_construct(formula: str, words: str) -> None:
    with pytest.raises(FormulaError) as info:
        evaluate(formula, ENV)
    message = info.value.message.rsplit(" in formula ", 1)[0]
    assert words in message


def test_non_text_formula_is_rejected() -> None:
    for value in (None, [1], {"a": 1}, True):
        with pytest.raises(FormulaError):
            evaluate(value, ENV)


def test_unknown_name_error_suggests_close_match() -> None:
    with pytest.raises(FormulaError, match="did you mean x"):
        evaluate("xx + 1", {"x": 1.0})


def _numeric_or_formula_error(text: str) -> None:
    try:
        out = evaluate(text, ENV)
    except FormulaError:
        return
    assert isinstance(out, np.ndarray | np.floating), type(out)
    assert np.asarray(out).dtype == np.float64


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=80))
def test_random_text_only_gives_number_or_formula_error(text: str) -> None:
    _numeric_or_formula_error(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xyz0123456789.+-*/()<>=!, eE_abcdefghijklmnopqrstuvw[]'\"", max_size=60))
def test_random_formula_like_text_only_gives_number_or_formula_error(text: str) -> None:
    _numeric_or_formula_error(text)


_LEAVES = st.one_of(
    st.builds(ast.Name, id=st.sampled_from(["x", "y", "z", "q", "__import__", "os", "min"])),
    st.builds(
        ast.Constant,
        value=st.one_of(
            st.integers(-(10**6), 10**6),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=3),
            st.none(),
            st.booleans(),
        ),
    ),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    ops = st.sampled_from(
        [
            ast.Add(),
            ast.Sub(),
            ast.Mult(),
            ast.Div(),
            ast.Pow(),
            ast.Mod(),
            ast.FloorDiv(),
            ast.BitAnd(),
            ast.MatMult(),
        ]
    )
    cmps = st.sampled_from([ast.Lt(), ast.Gt(), ast.Eq(), ast.Is(), ast.In()])
    funcs = st.sampled_from(
        ["min", "max", "abs", "log", "exp", "sqrt", "where", "clip", "eval", "open", "getattr"]
    )
    return st.one_of(
        st.builds(ast.BinOp, left=children, op=ops, right=children),
        st.builds(
            ast.UnaryOp,
            op=st.sampled_from([ast.USub(), ast.UAdd(), ast.Not(), ast.Invert()]),
            operand=children,
        ),
        st.builds(
            lambda a, op, b: ast.Compare(left=a, ops=[op], comparators=[b]),
            children,
            cmps,
            children,
        ),
        st.builds(
            lambda f, args: ast.Call(func=ast.Name(id=f), args=args, keywords=[]),
            funcs,
            st.lists(children, max_size=4),
        ),
        st.builds(lambda v: ast.Attribute(value=v, attr="__class__"), children),
        st.builds(lambda v: ast.Subscript(value=v, slice=ast.Constant(0)), children),
        st.builds(
            lambda v: ast.Lambda(
                args=ast.arguments(
                    posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]
                ),
                body=v,
            ),
            children,
        ),
        st.builds(
            lambda a, b, c: ast.IfExp(test=a, body=b, orelse=c), children, children, children
        ),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_LEAVES, _extend, max_leaves=12))
def test_random_ast_only_gives_number_or_formula_error(tree: ast.expr) -> None:
    try:
        text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    except Exception:  # an AST that cannot even be printed is not a formula
        return
    _numeric_or_formula_error(text)
