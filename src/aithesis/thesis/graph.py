"""The dependency graph of a thesis model: which names each formula uses.

Nodes are driver and formula names. A formula's *inputs* are the names its expression
uses (drivers or other formulas); drivers have none. Every question a caller asks about
the tree (what a name depends on, which drivers feed it, the evaluation order, the tree
to display) is answered here, from one table of inputs, so that solve, claims,
sensitivity, the CLI and the project build agree.

Example:
    >>> g = ModelGraph(["a", "b"], {"c": {"a", "b"}, "d": {"c"}})
    >>> g.order, sorted(g.drivers_of({"d"})), g.depends_on("d", "a")
    (('c', 'd'), ['a', 'b'], True)
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["ModelGraph", "TreeNode"]


@dataclass(frozen=True)
class TreeNode:
    """One line of a model shown as a tree (see :meth:`ModelGraph.tree`).

    Attributes:
        name: the driver or formula name.
        kind: ``"driver"`` or ``"formula"``.
        children: the formula's inputs, formulas first, each group sorted by name.
        repeated: a formula already shown higher up in the same tree; its inputs are
            left out (``children`` is empty) so shared sub-trees appear once.
    """

    name: str
    kind: Literal["driver", "formula"]
    children: tuple[TreeNode, ...] = ()
    repeated: bool = False


class ModelGraph:
    """The DAG of a model's names.

    Args:
        drivers: driver names, in file order.
        inputs: formula name -> the names its expression uses, in file order of formulas.

    Attributes:
        drivers: driver names in file order.
        order: formula names in evaluation (topological) order.

    Raises:
        graphlib.CycleError: the formulas form a cycle (``exc.args[1]`` lists it).
    """

    def __init__(self, drivers: Sequence[str], inputs: Mapping[str, Iterable[str]]) -> None:
        self.drivers: tuple[str, ...] = tuple(drivers)
        self._driver_set = frozenset(self.drivers)
        self._inputs: dict[str, frozenset[str]] = {n: frozenset(v) for n, v in inputs.items()}
        formulas = set(self._inputs)
        sorter = graphlib.TopologicalSorter(
            {n: set(deps) & formulas for n, deps in self._inputs.items()}
        )
        self.order: tuple[str, ...] = tuple(sorter.static_order())

    def __contains__(self, name: object) -> bool:
        return name in self._driver_set or name in self._inputs

    def is_driver(self, name: str) -> bool:
        """True for a driver (an input of the tree), False for a formula or unknown name."""
        return name in self._driver_set

    def inputs(self, name: str) -> frozenset[str]:
        """The names formula ``name`` uses directly (empty for a driver or unknown name)."""
        return self._inputs.get(name, frozenset())

    def upstream(self, names: Iterable[str]) -> set[str]:
        """``names`` (those in the model) and every name they depend on, at any depth."""
        seen: set[str] = set()
        todo = [n for n in names if n in self]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(self.inputs(n))
        return seen

    def drivers_of(self, names: Iterable[str]) -> set[str]:
        """The drivers ``names`` depend on (directly or through formulas); a driver
        given in ``names`` counts as its own."""
        return {n for n in self.upstream(names) if n in self._driver_set}

    def depends_on(self, name: str, other: str) -> bool:
        """True when ``name`` is ``other`` or uses it, directly or through formulas."""
        return other in self.upstream([name])

    def used(self) -> set[str]:
        """Every name some formula uses."""
        return {n for deps in self._inputs.values() for n in deps}

    def tops(self) -> list[str]:
        """Names no formula uses: formulas (evaluation order), then drivers (file order)."""
        used = self.used()
        return [n for n in (*self.order, *self.drivers) if n not in used]

    def other_tops(self, root: str) -> list[str]:
        """The tops outside ``root``'s tree: what a display of ``root`` alone would miss."""
        shown = self.upstream([root])
        return [n for n in self.tops() if n not in shown]

    def tree(self, root: str) -> TreeNode:
        """``root`` and its inputs, recursively, for display.

        Children are sorted formulas first, then drivers, each by name. A formula met a
        second time is marked ``repeated`` and shown without its inputs; drivers are
        always shown.
        """
        seen: set[str] = set()

        def node(name: str) -> TreeNode:
            if name not in self._inputs:
                return TreeNode(name, "driver")
            if name in seen:
                return TreeNode(name, "formula", repeated=True)
            seen.add(name)
            deps = sorted(self._inputs[name], key=lambda n: (n in self._driver_set, n))
            return TreeNode(name, "formula", tuple(node(d) for d in deps))

        return node(root)
