"""Methodology variants: sweepable paths, theme-target rescaling, invalid variants."""

from __future__ import annotations

import math

import pytest

from aithesis.errors import SpecError
from aithesis.index import load_methodology
from aithesis.sweep.variants import apply_point, resolve_path


@pytest.fixture(scope="module")
def agix():
    return load_methodology("agix")


def test_shorthand_paths_resolve_to_full_paths() -> None:
    assert resolve_path("cap") == ("weighting", "cap")
    assert resolve_path("weighting.cap") == ("weighting", "cap")
    assert resolve_path("theme_targets.compute") == ("weighting", "theme_targets", "compute")
    assert resolve_path("top_n") == ("universe", "top_n")
    assert resolve_path("rebalance") == ("rebalance",)


@pytest.mark.parametrize(
    "name",
    [
        "weighting.cpa",
        "rebalnce",
        "name",
        "universe.tickers",
        "theme_targets.crypto",
        "weighting.cap.x",
    ],
)
def test_unknown_path_is_a_spec_error_naming_it(name: str) -> None:
    with pytest.raises(SpecError) as info:
        resolve_path(name)
    assert info.value.field == name
    assert "not a methodology rule a sweep can vary" in str(info.value)
    assert "weighting.cap" in str(info.value)  # the hint lists what is sweepable


def test_misspelt_path_suggests_the_right_one() -> None:
    with pytest.raises(SpecError, match="did you mean 'rebalance'"):
        resolve_path("rebalnce")


def test_point_sets_rules_and_keeps_the_rest(agix) -> None:
    m = apply_point(agix, {("weighting", "cap"): 0.1, ("rebalance",): "monthly", ("costs_bps",): 5})
    assert (m.weighting.cap, m.rebalance, m.costs_bps) == (0.1, "monthly", 5.0)
    assert m.universe == agix.universe and m.base_date == agix.base_date
    assert m.weighting.theme_targets == agix.weighting.theme_targets
    assert m.file == agix.file
    assert apply_point(m, {("weighting", "cap"): None}).weighting.cap is None


def test_theme_target_rescales_the_other_themes_pro_rata(agix) -> None:
    # agix: compute .35, cloud .25, edge .15, interconnect .15, software .10
    m = apply_point(agix, {("weighting", "theme_targets", "compute"): 0.5})
    t = m.weighting.theme_targets
    assert t["compute"] == 0.5
    # the other four keep their 25:15:15:10 ratio and fill 0.5
    assert t["cloud"] == pytest.approx(0.5 * 0.25 / 0.65, rel=1e-15)
    assert t["software"] == pytest.approx(0.5 * 0.10 / 0.65, rel=1e-15)
    assert math.fsum(t.values()) == pytest.approx(1.0, abs=1e-12)
    two = apply_point(
        agix,
        {
            ("weighting", "theme_targets", "compute"): 0.4,
            ("weighting", "theme_targets", "software"): 0.2,
        },
    ).weighting.theme_targets
    assert two["cloud"] == pytest.approx(0.4 * 0.25 / 0.55, rel=1e-15)


def test_theme_targets_over_one_name_the_variant(agix) -> None:
    point = {
        ("weighting", "theme_targets", "compute"): 0.7,
        ("weighting", "theme_targets", "cloud"): 0.5,
    }
    with pytest.raises(SpecError, match=r"sum to 1\.2, more than 1") as info:
        apply_point(agix, point, "compute=0.7, cloud=0.5")
    assert "variant compute=0.7, cloud=0.5" in str(info.value)
    assert info.value.field == "weighting.theme_targets"


def test_theme_targets_on_an_index_without_them_is_an_error() -> None:
    m = load_methodology("ai-infra")
    with pytest.raises(SpecError, match="no theme_targets to vary"):
        apply_point(m, {("weighting", "theme_targets", "compute"): 0.5}, "x")


def test_invalid_rule_value_names_variant_file_and_key(agix) -> None:
    with pytest.raises(SpecError) as info:
        apply_point(agix, {("rebalance",): "weekly"}, "rebalance=weekly")
    err = info.value
    assert err.field == "rebalance" and err.file == "<builtin>/agix.yaml"
    assert "variant rebalance=weekly" in str(err) and "'monthly'" in str(err)
    with pytest.raises(SpecError) as info:
        apply_point(agix, {("weighting", "cap"): 1.5}, "cap=1.5")
    assert info.value.field == "weighting.cap"
