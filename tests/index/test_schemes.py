"""The weighting-scheme registry: one entry per scheme, and everything derived from it
(methodology validation, the build, the CLI help, the sweeps) follows a new entry."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.errors import SpecError
from aithesis.index import Methodology, UniverseSpec, WeightingSpec, methodology_from_dict
from aithesis.index import schemes as sc
from aithesis.index.api import build_from_inputs
from aithesis.index.inputs import IndexInputs
from aithesis.index.schemes import SCHEMES, Scheme, SchemeInputs, get_scheme, scheme_names
from aithesis.universe import Company

DATES = np.arange("2024-01-01", "2024-01-11", dtype="datetime64[D]")


def _company(ticker: str, theme: str, score: float) -> Company:
    return Company(
        ticker=ticker,
        name=ticker,
        name_zh=ticker,
        themes=[theme],
        role="chips",
        ai_exposure=score,
        exposure_rationale="test score",
        source="analyst judgement",
    )


def _inputs() -> IndexInputs:
    """Three names over ten days, prices that make the weights easy to follow."""
    prices = np.column_stack(
        [
            100.0 * 1.01 ** np.arange(10),
            50.0 * 0.99 ** np.arange(10),
            np.linspace(20.0, 29.0, 10),
        ]
    )
    return IndexInputs(
        dates=DATES,
        tickers=("AAA", "BBB", "CCC"),
        prices=prices,
        companies=(
            _company("AAA", "compute", 0.6),
            _company("BBB", "cloud", 0.3),
            _company("CCC", "compute", 0.1),
        ),
        warnings=(),
    )


def _methodology(scheme: str, **weighting: object) -> Methodology:
    return Methodology(
        name="t",
        base_date=DATES[0].item(),
        universe=UniverseSpec(tickers=["AAA", "BBB", "CCC"]),
        weighting=WeightingSpec(scheme=scheme, **weighting),
        rebalance="none",
    )


def test_the_methodology_accepts_exactly_the_registered_names() -> None:
    for name in scheme_names():
        extra = (
            {"theme_targets": {"compute": 1.0}} if "theme_targets" in SCHEMES[name].needs else {}
        )
        assert WeightingSpec(scheme=name, **extra).scheme == name
    with pytest.raises(SpecError) as info:
        methodology_from_dict(
            {
                "name": "x",
                "base_date": "2024-01-01",
                "universe": {"tickers": ["A"]},
                "weighting": {"scheme": "inverse_vol_typo"},
            },
            file="ix.yaml",
        )
    message = str(info.value)
    assert "weighting.scheme" in message and "ix.yaml" in message
    assert "unknown weighting scheme 'inverse_vol_typo'" in message
    assert "use one of: " + ", ".join(SCHEMES) in message


def test_get_scheme_names_the_known_ones() -> None:
    assert get_scheme("equal").name == "equal"
    with pytest.raises(SpecError) as info:
        get_scheme("nope")
    assert info.value.field == "weighting.scheme"
    assert all(name in info.value.hint for name in SCHEMES)


def test_every_rule_has_the_uniform_signature_and_sums_to_one() -> None:
    inputs = _inputs()
    eligible = np.array([True, True, False])
    given = SchemeInputs(
        date=DATES[3],
        tickers=inputs.tickers,
        prices=inputs.prices[3],
        market_caps=np.array([300.0, 100.0, 50.0]),
        exposure=np.array([0.6, 0.3, 0.1]),
        themes=("compute", "cloud", "compute"),
        theme_targets={"compute": 0.75, "cloud": 0.25},
        history=inputs.prices[:4],
    )
    expected = {
        "equal": [0.5, 0.5, 0.0],
        "market_cap": [0.75, 0.25, 0.0],
        "exposure": [2 / 3, 1 / 3, 0.0],
        "theme_targets": [0.75, 0.25, 0.0],
    }
    for name, entry in SCHEMES.items():
        w = entry.rule(given, eligible)
        assert w.shape == (3,) and w[2] == 0.0
        if name in expected:
            np.testing.assert_allclose(w, expected[name], rtol=1e-12)
        assert w.sum() == pytest.approx(1.0) or not w.any()


def test_a_rule_refuses_to_run_without_an_input_it_declares() -> None:
    bare = SchemeInputs(date=DATES[0], tickers=("A",), prices=np.array([1.0]))
    with pytest.raises(ValueError, match="needs market_caps"):
        SCHEMES["market_cap"].rule(bare, np.array([True]))


def test_an_entry_must_declare_known_needs_and_history() -> None:
    with pytest.raises(ValueError, match="unknown needs"):
        Scheme("x", sc._equal, frozenset({"moon_phase"}), {"en": "x"}, "x")
    with pytest.raises(ValueError, match="history_days"):
        Scheme("x", sc._equal, frozenset({"history"}), {"en": "x"}, "x")


def _tilt(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
    """A test rule: 70/20/10 whatever the data (eligible names only, renormalised)."""
    raw = np.where(eligible, [0.7, 0.2, 0.1], 0.0)
    inputs.notes.append("tilt: fixed weights")
    return raw / raw.sum()


@pytest.fixture()
def tilt_registered(monkeypatch: pytest.MonkeyPatch) -> Scheme:
    entry = Scheme("tilt", _tilt, frozenset(), {"en": "fixed tilt", "zh": "固定倾斜"}, "70/20/10")
    monkeypatch.setitem(SCHEMES, "tilt", entry)
    return entry


def test_one_new_entry_is_enough_to_validate_and_build_a_scheme(tilt_registered) -> None:
    m = _methodology("tilt")
    result = build_from_inputs(m, _inputs())
    np.testing.assert_allclose(result.weight_values[0], [0.7, 0.2, 0.1])
    # buy and hold from 70/20/10: the level is the value of those holdings
    p = _inputs().prices
    units = 1000.0 * np.array([0.7, 0.2, 0.1]) / p[0]
    np.testing.assert_allclose(result.level_values, p @ units, rtol=1e-12)
    assert "tilt: fixed weights" in result.warnings


def test_one_new_entry_is_enough_for_a_sweep(tilt_registered, sample_store) -> None:
    from aithesis.sweep import run_index_sweep

    base = Methodology(
        name="t",
        base_date="2023-01-03",
        universe=UniverseSpec(tickers=["NVDA", "MSFT", "NEE"]),
        rebalance="quarterly",
    )
    swept = run_index_sweep(
        base,
        {"weighting.scheme": ["equal", "tilt"]},
        store=sample_store,
        end="2023-12-29",
        benchmark=None,
    )
    table = swept.table
    assert list(table["weighting.scheme"]) == ["equal", "tilt"]
    assert table["error"].isna().all()
    assert table["total_return"].iloc[0] != table["total_return"].iloc[1]


def test_dashboard_and_cli_read_the_registry() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["index", "schemes"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    helped = runner.invoke(app, ["index", "build", "--help"], terminal_width=400)
    for entry in SCHEMES.values():
        assert entry.name in listed.output and entry.label("zh") in listed.output
        assert entry.name in " ".join(helped.output.split())
        assert entry.label("en") and entry.label("zh") != entry.label("en")


def test_cli_refuses_an_unknown_scheme_option() -> None:
    result = CliRunner().invoke(app, ["index", "build", "agix", "--scheme", "nope"])
    assert result.exit_code == 1
    assert "error:" in result.output and "--scheme" in result.output
    assert "equal" in result.output


def test_a_history_scheme_sees_the_trailing_window_ending_at_each_rebalance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[np.ndarray] = []

    def spy(inputs: SchemeInputs, eligible: np.ndarray) -> np.ndarray:
        assert inputs.history is not None
        seen.append(inputs.history.copy())
        return sc._equal(inputs, eligible)

    entry = Scheme("spy", spy, frozenset({"history"}), {"en": "spy"}, "spy", history_days=3)
    monkeypatch.setitem(SCHEMES, "spy", entry)
    inputs = _inputs()
    before = np.array([[1.0, 2.0, np.nan], [3.0, 4.0, 5.0]])  # two days before the base
    gathered = IndexInputs(**{**inputs.__dict__, "history": before})
    m = _methodology("spy")
    rows = np.array([0, 1, 5])
    from aithesis.index.api import target_weights, themes_for

    target_weights(m, gathered, rows, themes_for(m, gathered))
    full = np.vstack([before, inputs.prices])
    # row 0 (base): the 2 earlier days + the base row; later rows: 3 returns = 4 closes
    np.testing.assert_array_equal(seen[0], full[0:3])
    np.testing.assert_array_equal(seen[1], full[0:4])
    np.testing.assert_array_equal(seen[2], full[4:8])
    with pytest.raises(ValueError, match="gather the inputs"):
        target_weights(m, inputs, rows, themes_for(m, inputs))
