"""Evaluation, units, scenarios, tornado, grid and reverse valuation of thesis models."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from aithesis.errors import SpecError
from aithesis.thesis import list_models, load_model

# nvda-5t by hand from FRAMEWORKS.md section 2 inputs
TAM, LIFE, GROWTH, SHARE, MARGIN, PE = 2000.0, 7.0, 0.075, 0.75, 0.50, 33.0


def _cap(tam=TAM, life=LIFE, growth=GROWTH, share=SHARE, margin=MARGIN, pe=PE) -> float:
    return tam * (1 / life + growth) * share * margin * pe


def test_nvda_base_case_matches_hand_computation() -> None:
    ev = load_model("nvda-5t").evaluate()
    assert ev.value == pytest.approx(_cap(), rel=1e-12)
    assert ev["annual_spend"] == pytest.approx(2000 * (1 / 7 + 0.075), rel=1e-12)
    assert ev.units["market_cap"] == "USD_bn"
    assert ev.units["annual_spend"] == "USD_bn/year"
    frame = ev.to_frame()
    assert list(frame.columns) == ["name", "kind", "value", "unit"]
    assert set(frame.loc[frame.kind == "driver", "name"]) >= {"pe", "hw_life"}


def test_scenario_and_overrides() -> None:
    model = load_model("nvda-5t")
    assert model.evaluate("bear").value == pytest.approx(_cap(share=0.6, margin=0.45, pe=25))
    with_units = model.evaluate(overrides={"dc_it_tam": "2.5 USD_tn"})
    assert with_units["dc_it_tam"] == pytest.approx(2500)
    assert with_units.value == pytest.approx(_cap(tam=2500))
    both = model.evaluate("bear", overrides={"pe": 30})
    assert both.value == pytest.approx(_cap(share=0.6, margin=0.45, pe=30))


def test_overriding_a_formula_pins_it() -> None:
    ev = load_model("nvda-5t").evaluate(overrides={"annual_spend": 400})
    assert ev.value == pytest.approx(400 * 0.75 * 0.5 * 33)


def test_units_are_converted_when_terms_are_added(write_model) -> None:
    path = write_model(
        """\
        name: synthetic-units
        title: unit conversion
        drivers:
          a: {value: 2, unit: USD_bn}
          b: {value: 500, unit: USD_mn}
          g: {value: 5, unit: percent}
          p: {value: 1000, unit: W/GPU}
          n: {value: 8000, unit: GPU}
          t: {value: 100, unit: day}
        formulas:
          total: a + b
          grown: total * (1 + g)
          energy: {expr: n * p * t, unit: kWh}
          bigger: where(b > a, 1, 0)
        """
    )
    ev = load_model(path).evaluate()
    assert ev["total"] == pytest.approx(2.5)
    assert ev.units["total"] == "USD_bn"
    assert ev["grown"] == pytest.approx(2.5 * 1.05)
    assert ev["energy"] == pytest.approx(8000 * 1.0 * 2400)  # kW x hours
    assert ev["bigger"] == 0.0  # 500 USD_mn < 2 USD_bn once converted


def test_tornado_ranks_by_swing_and_matches_hand_values() -> None:
    res = load_model("nvda-5t").tornado()
    swings = {
        "pe": abs(_cap(pe=45) - _cap(pe=25)),
        "dc_it_tam": abs(_cap(tam=2500) - _cap(tam=1500)),
        "hw_life": abs(_cap(life=9) - _cap(life=5)),
        "nvda_share": abs(_cap(share=0.85) - _cap(share=0.6)),
        "net_margin": abs(_cap(margin=0.55) - _cap(margin=0.45)),
        "organic_growth": abs(_cap(growth=0.08) - _cap(growth=0.07)),
    }
    assert list(res.drivers) == sorted(swings, key=swings.get, reverse=True)
    np.testing.assert_allclose(res.swing, sorted(swings.values(), reverse=True), rtol=1e-12)
    assert res.base == pytest.approx(_cap())
    i = res.drivers.index("hw_life")
    assert res.out_low[i] == pytest.approx(_cap(life=5))
    assert len(res.to_frame()) == 6  # dc_it_increment does not feed market_cap


def test_grid_matches_hand_values() -> None:
    shares, pes = [0.6, 0.75, 0.85], [25, 33, 45]
    res = load_model("nvda-5t").grid("nvda_share", shares, "pe", pes)
    assert res.values.shape == (3, 3)
    for i, s in enumerate(shares):
        for j, p in enumerate(pes):
            assert res.values[i, j] == pytest.approx(_cap(share=s, pe=p), rel=1e-12)
    assert res.to_frame().loc[0.75, 33] == pytest.approx(_cap())


def test_grid_rejects_unknown_driver() -> None:
    with pytest.raises(SpecError) as info:
        load_model("nvda-5t").grid("nope", [1], "pe", [1])
    assert info.value.field == "x"


@pytest.mark.parametrize(
    ("driver", "target"),
    [("nvda_share", 4500.0), ("pe", 5000.0), ("hw_life", 6000.0), ("dc_it_tam", 3000.0)],
)
def test_solve_then_evaluate_returns_the_target(driver: str, target: float) -> None:
    model = load_model("nvda-5t")
    res = model.solve("market_cap", target, driver)
    back = model.evaluate(overrides={driver: res.value}).value
    assert abs(back - target) <= 1e-9
    assert abs(res.achieved - target) <= 1e-9


def test_solve_matches_closed_form() -> None:
    res = load_model("nvda-5t").solve("market_cap", 4500, "nvda_share")
    assert res.value == pytest.approx(4500 / _cap(share=1.0), rel=1e-12)


def test_solve_implied_pue_of_the_article_energy() -> None:
    # FRAMEWORKS.md: 26M kWh for 8,000 H100 x 100 days implies a PUE of ~1.35
    res = load_model("compute-energy").solve("gpt4_energy", "26e6 kWh", "pue")
    assert res.value == pytest.approx(26e6 / 19.2e6, rel=1e-12)


def test_solve_without_a_root_is_a_clear_error() -> None:
    with pytest.raises(SpecError) as info:
        load_model("nvda-5t").solve("market_cap", -100, "pe")
    assert info.value.field == "for"
    with pytest.raises(SpecError):
        load_model("nvda-5t").solve("market_cap", 100, "dc_it_increment")


def test_every_builtin_model_loads_and_evaluates_finite() -> None:
    names = {m.name for m in list_models()}
    assert names >= {
        "nvda-5t",
        "training-compute",
        "compute-energy",
        "compute-demand",
        "inference-memory",
        "us-power",
        "gpu-returns",
        "ai-gdp",
        "hyperscaler-capex",
        "china-compute",
    }
    for name in names:
        ev = load_model(name).evaluate()
        assert all(np.isfinite(v) for v in ev.values.values()), name
        assert load_model(name).tornado().to_frame() is not None


def _html_table(html: str) -> pd.DataFrame:
    (table,) = pd.read_html(io.StringIO(html))
    return table


def test_html_repr_of_results_shows_the_values() -> None:
    model = load_model("nvda-5t")
    ev = _html_table(model.evaluate()._repr_html_()).set_index("name")
    assert ev.loc["market_cap", "value"] == pytest.approx(_cap(), rel=1e-5)
    assert ev.loc["annual_spend", "value"] == pytest.approx(TAM * (1 / LIFE + GROWTH), rel=1e-5)
    assert ev.loc["market_cap", "unit"] == "USD_bn" and ev.loc["pe", "kind"] == "driver"

    tornado = _html_table(model.tornado()._repr_html_())
    # pe has the largest swing: 25 -> 45 times the base profit (hand computation)
    profit = _cap() / PE
    first = tornado.iloc[0]
    assert first["driver"] == "pe" and (first["low"], first["high"]) == (25, 45)
    assert first["output_at_low"] == pytest.approx(profit * 25, rel=1e-5)
    assert first["swing"] == pytest.approx(profit * 20, rel=1e-5)
    assert list(tornado["swing"]) == sorted(tornado["swing"], reverse=True)

    claims = _html_table(model.check_claims()._repr_html_()).set_index("claim_id")
    # tam_5y: 1000 + 250 * 5 = 2250 vs the article's 2000 (12.5% off: flagged);
    # replacement: 1/7 = 14.29% vs 15% (4.8%: within the 5% tolerance)
    assert claims.loc["tam_5y", "computed"] == pytest.approx(1000 + 250 * 5)
    assert claims.loc["tam_5y", "status"] == "flagged"
    assert claims.loc["replacement", "computed"] == pytest.approx(100 / 7, rel=1e-5)
    assert claims.loc["replacement", "status"] == "ok"
    assert claims.loc["market_cap", "computed"] == pytest.approx(_cap(), rel=1e-5)
