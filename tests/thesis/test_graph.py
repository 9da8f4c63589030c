"""The model graph: inputs, upstream names, drivers of a node, order and display tree."""

from __future__ import annotations

import graphlib

import pytest

from aithesis.thesis import load_model
from aithesis.thesis.graph import ModelGraph, TreeNode

# a hand-drawn DAG: e = c + d, c = a * b, d = c * a, f = b (unused by e), g unused driver
DRIVERS = ["a", "b", "g"]
INPUTS = {"e": {"c", "d"}, "c": {"a", "b"}, "d": {"c", "a"}, "f": {"b"}}


def test_inputs_are_the_names_a_formula_uses() -> None:
    graph = ModelGraph(DRIVERS, INPUTS)
    assert graph.inputs("e") == {"c", "d"}
    assert graph.inputs("a") == frozenset()
    assert graph.inputs("nope") == frozenset()


def test_upstream_and_drivers_of_follow_every_path() -> None:
    graph = ModelGraph(DRIVERS, INPUTS)
    assert graph.upstream(["e"]) == {"e", "c", "d", "a", "b"}
    assert graph.drivers_of(["e"]) == {"a", "b"}
    assert graph.drivers_of(["f"]) == {"b"}
    assert graph.drivers_of(["g"]) == {"g"}
    assert graph.drivers_of(["nope"]) == set()
    assert graph.depends_on("e", "a") and graph.depends_on("e", "e")
    assert not graph.depends_on("f", "a") and not graph.depends_on("a", "e")


def test_order_puts_every_formula_after_its_inputs() -> None:
    graph = ModelGraph(DRIVERS, INPUTS)
    order = list(graph.order)
    assert sorted(order) == ["c", "d", "e", "f"]
    for name, deps in INPUTS.items():
        assert all(order.index(d) < order.index(name) for d in deps if d in INPUTS)


def test_a_cycle_is_refused_and_named() -> None:
    with pytest.raises(graphlib.CycleError) as info:
        ModelGraph(["a"], {"x": {"y", "a"}, "y": {"x"}})
    assert set(info.value.args[1]) == {"x", "y"}


def test_tree_shows_a_shared_formula_once() -> None:
    tree = ModelGraph(DRIVERS, INPUTS).tree("e")
    c_full = TreeNode(
        "c", "formula", (TreeNode("a", "driver"), TreeNode("b", "driver")), repeated=False
    )
    c_again = TreeNode("c", "formula", (), repeated=True)
    d = TreeNode("d", "formula", (c_again, TreeNode("a", "driver")))
    assert tree == TreeNode("e", "formula", (c_full, d))


def test_other_tops_are_what_the_output_tree_misses() -> None:
    graph = ModelGraph(DRIVERS, INPUTS)
    tops = graph.tops()  # formulas (in evaluation order, e and f in either) then drivers
    assert set(tops[:2]) == {"e", "f"} and tops[2:] == ["g"]
    assert graph.other_tops("e") == ["f", "g"]
    assert graph.other_tops("f") == ["e", "g"]


def test_builtin_model_graph_matches_its_formulas() -> None:
    # nvda-5t's formulas, read off thesis/data/nvda-5t.yaml by hand
    model = load_model("nvda-5t")
    assert model.graph.inputs("market_cap") == {"dc_profit", "pe"}
    assert model.graph.inputs("spend_rate") == {"replacement_rate", "organic_growth"}
    assert model.graph.drivers_of(["market_cap"]) == {
        "dc_it_tam",
        "hw_life",
        "organic_growth",
        "nvda_share",
        "net_margin",
        "pe",
    }
    assert model.graph.drivers_of(["tam_buildup"]) == {
        "dc_it_today",
        "dc_it_increment",
        "build_years",
    }
    # the data-bound drivers (from:) feed no formula: they stand beside the tree
    assert model.graph.other_tops("market_cap") == [
        "tam_buildup",
        "current_market_cap",
        "current_price",
    ]
    assert model.formulas == list(model.graph.order)
