"""No import cycles inside the packages we own: walk every import with ``ast`` (module
level, inside functions and under TYPE_CHECKING alike) and fail on a cycle (the walker
and the cycle finder are ``tests/_imports.py``, shared with ``tests/test_layout.py``)."""

from __future__ import annotations

import pytest
from tests._imports import cycles, package_graph


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_walk_sees_lazy_imports() -> None:
    graph = package_graph("universe")
    assert "universe.parse" in graph["universe.collection"]
    assert graph["universe.parse"] == {"universe.model"}


@pytest.mark.parametrize("package", ["universe", "index", "sweep"])
def test_no_import_cycle_inside(package: str) -> None:
    graph = package_graph(package)
    assert len(graph) >= 4
    assert cycles(graph) == []
