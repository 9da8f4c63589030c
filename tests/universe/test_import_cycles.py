"""No import cycles inside the packages we own: walk every import with ``ast`` (module
level, inside functions and under TYPE_CHECKING alike) and fail on a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aithesis

ROOT = Path(aithesis.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, is_package: bool) -> set[str]:
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """``{module: modules of the same package it imports}`` for ``aithesis.<package>``,
    ``__init__`` modules left out (they only re-export)."""
    folder = ROOT / package
    modules = {_module_name(p): p for p in folder.rglob("*.py") if p.name != "__init__.py"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path, name, False) if m in modules and m != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_walk_sees_lazy_imports() -> None:
    graph = import_graph("universe")
    assert "aithesis.universe.parse" in graph["aithesis.universe.collection"]
    assert graph["aithesis.universe.parse"] == {"aithesis.universe.model"}


@pytest.mark.parametrize("package", ["universe", "index", "sweep"])
def test_no_import_cycle_inside(package: str) -> None:
    graph = import_graph(package)
    assert len(graph) >= 4
    assert find_cycle(graph) is None
