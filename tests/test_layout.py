"""The package's shape: no import cycles, layers import downward only, small modules.

Walks ``src/aithesis`` with ``ast`` (no imports are executed: ``tests/_imports.py``).
Layers follow ARCHITECTURE.md: base 0, storage 1, domain 2, engines 3, api 4, shells 5. An import
from a higher layer is a failure; so is any cycle between modules, even inside a layer.
"""

from __future__ import annotations

import ast

import pytest
from tests._imports import MODULES, cycles, import_graph

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


GRAPH = import_graph()


def _layer(mod: str) -> int:
    best, layer = "", None
    for prefix, value in LAYERS.items():
        if (mod == prefix or mod.startswith(prefix + ".")) and len(prefix) > len(best):
            best, layer = prefix, value
    if layer is None:
        raise AssertionError(f"module {mod!r} has no layer in LAYERS: add it")
    return layer


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
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_inside_the_package() -> None:
    found = cycles(_without_package_inits(GRAPH))
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


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
