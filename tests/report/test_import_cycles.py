"""No import cycles: the modules' imports, read with ``ast``, form a DAG.

An edge ``a -> b`` is any import of module ``b`` anywhere in ``a`` (also inside a
function: a deferred import hides a cycle, it does not remove it), except under
``if TYPE_CHECKING:`` (the walker and Tarjan's cycle finder are ``tests/_imports.py``,
shared with ``tests/test_layout.py``). The whole package is checked; the shells'
packages (report, app, project, analytics) must be on no cycle at all.
"""

from __future__ import annotations

import graphlib

from tests._imports import cycles, import_graph

SHELLS = ("report", "app", "project", "analytics")


def _on_a_shell(module: str) -> bool:
    return any(module == s or module.startswith(s + ".") for s in SHELLS)


def test_the_walker_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    graph = import_graph()
    assert "report.context_models" in graph["report.context"]
    assert "analytics.risk" in graph["analytics.catalogue"]


def test_no_shell_module_is_on_an_import_cycle() -> None:
    found = cycles(import_graph())
    on_shell = [c for c in found if any(_on_a_shell(m) for m in c)]
    assert on_shell == []


def test_the_report_modules_import_in_one_direction() -> None:
    graph = {k: v for k, v in import_graph().items() if k == "report" or k.startswith("report.")}
    order = list(graphlib.TopologicalSorter(graph).static_order())
    assert order.index("report.fragments") < order.index("report.context")
    assert "report.context" not in graph["report.context_models"]
