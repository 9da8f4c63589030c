"""The package's import graph, read with ``ast`` (nothing is imported), and its cycles.

Shared by ``tests/test_layout.py`` (layers, cycles), ``tests/report/test_import_cycles.py``
and ``tests/universe/test_import_cycles.py``. Modules are named relative to the
package (``index.result``; a package by its folder, ``data.providers``). An edge
``a -> b`` is an import of ``b`` anywhere in ``a``, module level or inside a function (a
deferred import hides a cycle, it does not remove it); ``from pkg import name`` points
at ``pkg.name`` when that is a module, else at the longest enclosing module of ours.
Imports under ``if TYPE_CHECKING:`` count only when asked (``type_checking=True``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

__all__ = ["MODULES", "SRC", "cycles", "import_graph", "imports", "package_graph"]

SRC = Path(__file__).resolve().parents[1] / "src" / "aithesis"


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES: dict[str, Path] = _modules()
"""``{module name: file}`` for every module of ``src/aithesis`` (``__init__`` for the
package's own ``__init__.py``)."""


def _resolve(name: str) -> str | None:
    """The module of ours that ``aithesis.<name>`` denotes (a module or a package)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(mod: str, path: Path, *, type_checking: bool = False) -> set[str]:
    """Modules of ours that ``mod`` (in ``path``) imports, itself left out.

    Args:
        mod: its name (a key of :data:`MODULES`); path: its file.
        type_checking: also count imports under ``if TYPE_CHECKING:``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            test = node.test
            name = getattr(test, "id", None) or getattr(test, "attr", None)
            if name == "TYPE_CHECKING" and not type_checking:
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            for alias in node.names:
                if alias.name.startswith("aithesis."):
                    target = _resolve(alias.name.removeprefix("aithesis."))
                    if target:
                        found.add(target)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package.split(".") if package else []
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            elif node.module and (node.module == "aithesis" or node.module.startswith("aithesis.")):
                stem = node.module.removeprefix("aithesis").lstrip(".")
            else:
                return
            for alias in node.names:
                full = f"{stem}.{alias.name}" if stem else alias.name
                target = _resolve(full) if full in MODULES else _resolve(stem) if stem else None
                if target is None and not stem:
                    target = "__init__" if "__init__" in MODULES else None
                if target and target != mod:
                    found.add(target)

    Visitor().visit(tree)
    found.discard(mod)
    return found


def import_graph(*, type_checking: bool = False) -> dict[str, set[str]]:
    """``{module: modules of ours it imports}`` over the whole package."""
    return {mod: imports(mod, path, type_checking=type_checking) for mod, path in MODULES.items()}


def package_graph(package: str, *, type_checking: bool = True) -> dict[str, set[str]]:
    """The graph restricted to the modules inside ``package`` (``universe``), package
    ``__init__`` files left out (they only re-export). Counts TYPE_CHECKING imports by
    default: a cycle that only type hints close is still one to avoid."""
    inside = {
        m: p for m, p in MODULES.items() if m.startswith(package + ".") and p.name != "__init__.py"
    }
    return {
        m: {t for t in imports(m, p, type_checking=type_checking) if t in inside}
        for m, p in inside.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted,
    in the order their first module is reached from the sorted modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out
