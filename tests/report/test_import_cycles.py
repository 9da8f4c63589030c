"""No import cycles: the modules' imports, read with ``ast``, form a DAG.

An edge ``a -> b`` is any import of module ``b`` anywhere in ``a`` (also inside a
function: a deferred import hides a cycle, it does not remove it), except under
``if TYPE_CHECKING:``. ``from pkg import name`` points at ``pkg.name`` when that is a
module, else at ``pkg``. The whole package is checked; the shells' packages (report,
app, project, analytics, the CLI) must be on no cycle at all.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import aithesis

ROOT = Path(aithesis.__file__).parent
SHELLS = ("aithesis.report", "aithesis.app", "aithesis.project", "aithesis.analytics")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test)


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for t in ast.walk(tree) if _type_checking(t) for n in ast.walk(t)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    out.add(full)
                elif base in known:
                    out.add(base)
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walker_finds_a_planted_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    graph = _graph()
    assert "aithesis.report.context_models" in graph["aithesis.report.context"]
    assert "aithesis.analytics.risk" in graph["aithesis.analytics.catalogue"]


def test_no_shell_module_is_on_an_import_cycle() -> None:
    cycles = _cycles(_graph())
    on_shell = [c for c in cycles if any(m.startswith(SHELLS) for m in c)]
    assert on_shell == []


def test_the_report_modules_import_in_one_direction() -> None:
    graph = {k: v for k, v in _graph().items() if k.startswith("aithesis.report")}
    order = list(graphlib.TopologicalSorter(graph).static_order())
    assert order.index("aithesis.report.fragments") < order.index("aithesis.report.context")
    assert "aithesis.report.context" not in graph["aithesis.report.context_models"]
