"""Model sweeps: each point equals the model's own evaluation / Monte Carlo at that point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aithesis.errors import SpecError
from aithesis.sweep import point_seed, run_model_sweep
from aithesis.thesis import ThesisModel, load_model

GRID = {"nvda_share": "0.5:0.9:5", "pe": [20, 33, 50]}


@pytest.fixture(scope="module")
def nvda() -> ThesisModel:
    return load_model("nvda-5t")


def _with_scenario(model: ThesisModel, values: dict) -> ThesisModel:
    """The same model with one extra scenario pinning ``values`` (an independent route)."""
    spec = model.spec.model_copy(update={"scenarios": {**model.spec.scenarios, "pt": values}})
    return ThesisModel(spec, model.file)


def test_hand_computed_point() -> None:
    # article 002's tree: market_cap = dc_it_tam * (1/hw_life + organic_growth)
    #                                  * nvda_share * net_margin * pe
    r = run_model_sweep("nvda-5t", {"nvda_share": [0.6], "pe": [30]})
    expected = 2000 * (1 / 7 + 0.075) * 0.6 * 0.5 * 30
    assert r.table["market_cap"].iloc[0] == pytest.approx(expected, rel=1e-14)
    assert r.unit == "USD_bn" and r.output == "market_cap"


def test_every_point_equals_evaluate_with_overrides(nvda) -> None:
    r = run_model_sweep("nvda-5t", GRID, batch_size=4)
    assert len(r.table) == 15 and list(r.table.columns) == [
        "nvda_share",
        "pe",
        "market_cap",
        "error",
    ]
    for row in r.table.itertuples(index=False):
        value = nvda.evaluate(overrides={"nvda_share": row.nvda_share, "pe": row.pe}).value
        assert row.market_cap == pytest.approx(value, rel=1e-12)
    assert r.table["error"].isna().all()


def test_formula_can_be_pinned_and_output_chosen(nvda) -> None:
    r = run_model_sweep("nvda-5t", {"dc_profit": [100, 150]}, output="market_cap")
    assert r.table["market_cap"].tolist() == pytest.approx([3300.0, 4950.0], rel=1e-14)
    r = run_model_sweep("nvda-5t", {"hw_life": [5, 10]}, output="spend_rate")
    assert r.table["spend_rate"].tolist() == pytest.approx([0.275, 0.175], rel=1e-14)


def test_values_with_units_are_converted(nvda) -> None:
    a = run_model_sweep("nvda-5t", {"dc_it_tam": ["2.5 USD_tn"]}).table["market_cap"].iloc[0]
    b = nvda.evaluate(overrides={"dc_it_tam": 2500}).value
    assert a == pytest.approx(b, rel=1e-12)


def test_heatmap_is_the_table_pivoted() -> None:
    r = run_model_sweep("nvda-5t", GRID)
    heat = r.heatmap()
    assert heat.index.name == "nvda_share" and heat.columns.name == "pe"
    assert heat.shape == (5, 3)
    row = r.table.iloc[7]
    assert heat.loc[row.nvda_share, row.pe] == row.market_cap


def test_heatmap_of_three_parameters_needs_the_third_fixed() -> None:
    r = run_model_sweep(
        "nvda-5t", {"nvda_share": [0.6, 0.8], "pe": [20, 30], "net_margin": [0.4, 0.5]}
    )
    with pytest.raises(SpecError, match="fix net_margin") as info:
        r.heatmap()
    assert info.value.field == "net_margin"
    heat = r.heatmap(where={"net_margin": 0.5})
    sub = r.table[r.table.net_margin == 0.5]
    assert heat.loc[0.8, 30] == sub[(sub.nvda_share == 0.8) & (sub.pe == 30)].market_cap.item()


def test_monte_carlo_point_equals_model_monte_carlo_with_the_point_pinned(nvda) -> None:
    r = run_model_sweep("nvda-5t", GRID, draws=4000, seed=7, target="market_cap>=5000")
    assert {"mean", "std", "p5", "p50", "p95", "probability", "seed"} <= set(r.table.columns)
    for i in (0, 8, 14):
        row = r.table.iloc[i]
        assert int(row["seed"]) == point_seed(7, i)
        pinned = _with_scenario(nvda, {"nvda_share": row.nvda_share, "pe": float(row.pe)})
        mc = pinned.monte_carlo(
            4000, seed=point_seed(7, i), target="market_cap>=5000", scenario="pt"
        )
        assert row["probability"] == mc.probability
        assert row["mean"] == mc.mean and row["std"] == mc.std
        pct = mc.percentiles((5, 50, 95))
        assert (row["p5"], row["p50"], row["p95"]) == (pct["p5"], pct["p50"], pct["p95"])


def test_monte_carlo_does_not_depend_on_batching_and_is_reproducible() -> None:
    a = run_model_sweep("nvda-5t", GRID, draws=1000, seed=3, target="market_cap>=5000")
    b = run_model_sweep(
        "nvda-5t", GRID, draws=1000, seed=3, target="market_cap>=5000", batch_size=15
    )
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    c = run_model_sweep("nvda-5t", GRID, draws=1000, seed=4, target="market_cap>=5000")
    assert not np.array_equal(a.table["mean"], c.table["mean"])


def test_target_with_unit_equals_target_in_the_output_unit() -> None:
    a = run_model_sweep("nvda-5t", GRID, draws=500, target="market_cap >= 5 USD_tn")
    b = run_model_sweep("nvda-5t", GRID, draws=500, target="market_cap>=5000")
    assert a.target[:2] == ("market_cap", ">=")
    assert a.target[2] == pytest.approx(5000.0, rel=1e-12)
    assert a.table["probability"].tolist() == b.table["probability"].tolist()
    # P rises with the P/E at a fixed share
    heat = b.heatmap()
    assert (np.diff(heat.to_numpy(), axis=1) >= 0).all()


def test_correlated_drivers_are_drawn_like_the_model_does(tmp_path) -> None:
    path = tmp_path / "toy.yaml"
    path.write_text(
        "name: toy\ntitle: synthetic three-driver model\noutput: y\n"
        "drivers:\n"
        "  a: {value: 1.0, low: 0.5, high: 1.5, dist: triangular}\n"
        "  b: {value: 2.0, low: 1.0, high: 3.0, dist: uniform}\n"
        "  c: {value: 3.0, low: 2.0, high: 4.0, dist: normal}\n"
        "formulas:\n  y: a * b + c\n"
        "correlations:\n  - {between: [a, b], rank: 0.6}\n  - {between: [b, c], rank: -0.3}\n",
        encoding="utf-8",
    )
    r = run_model_sweep(path, {"c": [2.5, 3.5]}, draws=2000, seed=11, target="y>=5")
    model = load_model(path)
    for i, c in enumerate((2.5, 3.5)):
        mc = _with_scenario(model, {"c": c}).monte_carlo(
            2000, seed=point_seed(11, i), target="y>=5", scenario="pt"
        )
        assert r.table["mean"].iloc[i] == mc.mean
        assert r.table["probability"].iloc[i] == mc.probability


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"grid": {"nvda_shar": [0.5]}}, "nvda_shar", "did you mean nvda_share"),
        ({"grid": {"pe": ["lots"]}}, "pe", "not a number"),
        ({"grid": {"market_cap": [1.0]}}, "market_cap", "is the output"),
        ({"grid": {"pe": [20]}, "output": "mkt_cap"}, "output", "not a driver or formula"),
        ({"grid": {"pe": [20]}, "target": "market_cap>=5000"}, "target", "needs Monte Carlo"),
        ({"grid": {"pe": [20]}, "draws": 0}, "draws", ">= 1"),
        ({"grid": {"pe": [20]}, "draws": 10, "target": "price>=1"}, "target", "not a driver"),
        (
            {"grid": {"pe": [20]}, "draws": 10, "target": "market_cap>=5 kWh"},
            "target",
            "does not convert",
        ),
        ({"grid": {"pe": [20]}, "scenario": "moon"}, "scenario", "no scenario 'moon'"),
        ({"grid": {"pe": [20]}, "cluster": "locl"}, "cluster", "cannot read cluster"),
    ],
)
def test_bad_input_is_a_spec_error_naming_the_key(kwargs, field, fragment) -> None:
    with pytest.raises(SpecError) as info:
        run_model_sweep("nvda-5t", **kwargs)
    assert info.value.field == field
    assert fragment in str(info.value)


def test_unknown_model_lists_the_builtins() -> None:
    with pytest.raises(SpecError, match="nvda-5t"):
        run_model_sweep("nvda-6t", {"pe": [20]})


def test_non_finite_point_is_flagged_not_dropped() -> None:
    r = run_model_sweep("nvda-5t", {"hw_life": [0.0, 7.0]}, output="replacement_rate")
    assert len(r.table) == 2
    assert np.isinf(r.table["replacement_rate"].iloc[0])
    assert "not finite" in r.table["error"].iloc[0] and r.table["error"].iloc[1] is None


def test_notebook_view_shows_the_heatmap() -> None:
    r = run_model_sweep("nvda-5t", {"nvda_share": [0.6, 0.8], "pe": [20, 30]}, draws=200, seed=3)
    text = r._repr_html_()
    assert "mean of market_cap [USD_bn] over 4 points (200 draws, seed 3)" in text
    assert f"{r.heatmap().loc[0.8, 30]:.3f}"[:6] in text


def test_top_level_api_returns_a_dataframe_one_row_per_combination() -> None:
    import aithesis

    frame = aithesis.sweep_model("nvda-5t", grid={"nvda_share": [0.6, 0.75], "pe": [25, 33]})
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    model = aithesis.load_model("nvda-5t")
    row = frame[(frame["nvda_share"] == 0.6) & (frame["pe"] == 25)].iloc[0]
    expected = model.evaluate(overrides={"nvda_share": 0.6, "pe": 25}).value
    assert row[frame.attrs["value_column"]] == pytest.approx(expected, rel=1e-12)
