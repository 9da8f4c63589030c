"""No SQL in ``src/aithesis`` is built by string formatting from values.

Values reach DuckDB as bound parameters (``?``) or registered frames, paths through
pyarrow, never spliced into the SQL text. An f-string that contains SQL may interpolate
only constants: module-level ALL_CAPS names, or local names that the enclosing function
binds to string literals only (a table or column chosen in code). ``%``-formatting and
``str.format`` of SQL text are refused outright.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "aithesis"
SQL = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|COPY|CREATE|DROP|ATTACH|PRAGMA|INSTALL|LOAD)\b")
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def _literal_only(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.IfExp):
        return _literal_only(node.body) and _literal_only(node.orelse)
    if isinstance(node, ast.Tuple | ast.List):
        return all(_literal_only(e) for e in node.elts)
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    return False


def _bindings(func: ast.AST) -> dict[str, list[ast.AST]]:
    """Every value assigned to each local name in ``func`` (tuple targets unpacked)."""
    found: dict[str, list[ast.AST]] = {}

    def bind(target: ast.AST, value: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value if value is not None else target)
        elif isinstance(target, ast.Tuple | ast.List):
            parts = None
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                parts = value.elts
            elif isinstance(value, ast.IfExp):
                both = [value.body, value.orelse]
                if all(isinstance(b, ast.Tuple) and len(b.elts) == len(target.elts) for b in both):
                    for i, t in enumerate(target.elts):
                        bind(t, ast.IfExp(value.test, both[0].elts[i], both[1].elts[i]))
                    return
            for i, t in enumerate(target.elts):
                bind(t, parts[i] if parts else None)

    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            bind(node.target, None)  # unknown: never trusted
        elif isinstance(node, ast.For | ast.comprehension):
            literal_items = isinstance(node.iter, ast.Tuple | ast.List) and all(
                _literal_only(e) for e in node.iter.elts
            )
            bind(node.target, node.iter if literal_items else None)
        elif isinstance(node, ast.arguments):
            for arg in [*node.posonlyargs, *node.args, *node.kwonlyargs]:
                found.setdefault(arg.arg, []).append(arg)
    return found


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]

    def enclosing(node: ast.AST) -> ast.AST:
        best = tree
        for scope in scopes:
            inside = scope.lineno <= node.lineno <= (scope.end_lineno or scope.lineno)
            if inside and (best is tree or scope.lineno >= best.lineno):
                best = scope
        return best

    for node in ast.walk(tree):
        where = f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if not SQL.search(text):
                continue
            binds = _bindings(enclosing(node))
            for part in node.values:
                if not isinstance(part, ast.FormattedValue):
                    continue
                value = part.value
                if isinstance(value, ast.Name) and CONSTANT.match(value.id):
                    continue
                if (
                    isinstance(value, ast.Name)
                    and value.id in binds
                    and all(_literal_only(v) for v in binds[value.id])
                ):
                    continue
                out.append(f"{where}: f-string SQL interpolates {ast.unparse(value)!r}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = node.left
            if (
                isinstance(left, ast.Constant)
                and isinstance(left.value, str)
                and SQL.search(left.value)
            ):
                out.append(f"{where}: %-formatted SQL")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if (
                node.func.attr == "format"
                and isinstance(base, ast.Constant)
                and isinstance(base.value, str)
                and SQL.search(base.value)
            ):
                out.append(f"{where}: str.format SQL")
    return out


def test_no_sql_is_built_by_formatting_values() -> None:
    problems = [v for p in sorted(SRC.rglob("*.py")) for v in _violations(p)]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_the_forms_it_refuses(tmp_path: Path) -> None:
    bad = tmp_path / "aithesis" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "def f(con, path, name):\n"
        "    con.execute(f\"COPY t TO '{path}' (FORMAT PARQUET)\")\n"
        "    con.execute(\"SELECT * FROM t WHERE a = '%s'\" % name)\n"
        "    con.execute(\"DELETE FROM t WHERE a = '{}'\".format(name))\n"
        "    key = name if name else 'ticker'\n"
        "    con.execute(f'SELECT {key} FROM t')\n"
        "def g(con):\n"
        "    key, table = ('ticker', 'prices')\n"
        "    con.execute(f'SELECT {key} FROM {table} WHERE {_COLS} = ?', [1])\n",
        encoding="utf-8",
    )
    global SRC
    saved, SRC = SRC, tmp_path / "aithesis"
    try:
        found = _violations(bad)
    finally:
        SRC = saved
    assert len(found) == 4, found
    assert "'path'" in found[0] and "%-formatted" in found[1] and "str.format" in found[2]
    assert "'key'" in found[3]
