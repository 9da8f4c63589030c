"""Inverse-volatility weighting: hand-computed weights, pandas' rolling std on the real
data, and the documented treatment of names without enough history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aithesis.cli.main import app
from aithesis.errors import SpecError
from aithesis.index import Methodology, UniverseSpec, WeightingSpec, build_index
from aithesis.index.schemes import INVERSE_VOL_DAYS, SCHEMES, SchemeInputs, inverse_volatility

L = INVERSE_VOL_DAYS


def _path(step: float, n: int = L) -> np.ndarray:
    """Closes from 100 whose daily returns alternate +step, -step (n returns)."""
    r = np.where(np.arange(n) % 2 == 0, step, -step)
    return 100.0 * np.concatenate(([1.0], np.cumprod(1.0 + r)))


def _given(history: np.ndarray, tickers: tuple[str, ...]) -> SchemeInputs:
    return SchemeInputs(
        date=np.datetime64("2024-06-28"),
        tickers=tickers,
        prices=history[-1],
        history=history,
    )


def test_weights_are_one_over_sigma_by_hand() -> None:
    # returns +-a, +-2a, +-4a: sigma scales with the step, so 1/sigma ~ 1 : 1/2 : 1/4
    history = np.column_stack([_path(0.01), _path(0.02), _path(0.04)])
    w = inverse_volatility(_given(history, ("A", "B", "C")), np.ones(3, dtype=bool))
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7], rtol=1e-12)
    # and sigma itself: 32 returns +a, 31 returns -a -> mean a/63,
    # var = (63 a^2 - 63 (a/63)^2) / 62
    a = 0.01
    sigma = np.sqrt((L * a**2 - L * (a / L) ** 2) / (L - 1))
    r = history[1:, 0] / history[:-1, 0] - 1.0
    assert np.std(r, ddof=1) == pytest.approx(sigma, rel=1e-12)


def test_only_the_last_window_counts_and_ineligible_names_get_nothing() -> None:
    # a calm stretch long ago must not matter: only the last 63 returns do
    calm = np.full((40, 2), 100.0)
    recent = np.column_stack([_path(0.01), _path(0.03)])
    history = np.vstack([calm, recent * 1.0])
    w = inverse_volatility(_given(history, ("A", "B")), np.array([True, True]))
    np.testing.assert_allclose(w, [0.75, 0.25], rtol=1e-12)
    w = inverse_volatility(_given(history, ("A", "B")), np.array([False, True]))
    np.testing.assert_array_equal(w, [0.0, 1.0])


def test_names_without_enough_history_are_left_out_with_a_note() -> None:
    young = _path(0.01).copy()
    young[:2] = np.nan  # listed one day too late: 62 returns
    flat = np.full(L + 1, 50.0)  # no price change: sigma 0
    history = np.column_stack([_path(0.02), young, flat])
    given = _given(history, ("OLD", "NEW", "FLAT"))
    w = inverse_volatility(given, np.ones(3, dtype=bool))
    np.testing.assert_array_equal(w, [1.0, 0.0, 0.0])
    assert given.notes == [
        "inverse_volatility: NEW left out on 2024-06-28 (fewer than 63 daily returns of history)",
        "inverse_volatility: FLAT left out on 2024-06-28 (no price change)",
    ]
    short = _given(history[-10:], ("OLD", "NEW", "FLAT"))
    assert not inverse_volatility(short, np.ones(3, dtype=bool)).any()


US = ["NVDA", "MSFT", "NEE", "AVGO", "ETN", "ALAB"]  # ALAB lists 2024-03-20


def _methodology(**kw: object) -> Methodology:
    fields = {
        "name": "inverse vol",
        "base_date": "2024-01-02",
        "universe": UniverseSpec(tickers=US),
        "weighting": WeightingSpec(scheme="inverse_volatility"),
        "rebalance": "quarterly",
    } | kw
    return Methodology(**fields)  # type: ignore[arg-type]


def test_rebalance_weights_equal_pandas_rolling_std_on_real_data(sample_store) -> None:
    result = build_index(_methodology(), sample_store, end="2025-06-30")
    pm = sample_store.price_matrix(US, end="2025-06-30", field="adj_close")
    frame = pd.DataFrame(pm.values, index=pd.DatetimeIndex(pm.dates), columns=list(pm.tickers))
    sigma = frame.pct_change(fill_method=None).rolling(L, min_periods=L).std(ddof=1)
    checked = 0
    for row in result.rebalance_rows:
        day = pd.Timestamp(result.dates[row])
        inv = 1.0 / sigma.loc[day]
        listed = ~np.isnan(result.prices[row])
        expected = (inv.where(listed) / inv.where(listed).sum()).fillna(0.0)
        np.testing.assert_allclose(result.weight_values[row], expected.to_numpy(), rtol=1e-9)
        checked += 1
    assert checked == result.rebalance_rows.size >= 6
    col = US.index("ALAB")
    held = result.weight_values[result.rebalance_rows, col]
    assert held[0] == 0.0 and held[1] == 0.0 and held[2] > 0.0  # 2024-04-01: 8 returns
    assert any("ALAB left out on 2024-04-01" in w for w in result.warnings)
    # the base date's weights use the 63 days before it (history gathered before the base)
    assert result.weight_values[0, US.index("NVDA")] > 0.0
    assert result.weight_values[0].sum() == pytest.approx(1.0)


def test_the_cap_still_applies_after_the_rule(sample_store) -> None:
    capped = _methodology(weighting=WeightingSpec(scheme="inverse_volatility", cap=0.2))
    result = build_index(capped, sample_store, end="2024-12-31")
    rows = result.weight_values[result.rebalance_rows]
    assert rows.max() <= 0.2 + 1e-12
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)


def test_a_base_date_without_history_is_refused_clearly(sample_store) -> None:
    m = _methodology(base_date="2000-01-04", universe=UniverseSpec(tickers=["NVDA", "MSFT"]))
    with pytest.raises(SpecError) as info:
        build_index(m, sample_store, end="2000-06-30")
    assert info.value.field == "base_date" and "nothing to hold" in info.value.message


def test_inverse_volatility_runs_in_a_sweep_like_a_build(sample_store) -> None:
    from aithesis.sweep import run_index_sweep

    base = _methodology()
    swept = run_index_sweep(
        base,
        {"weighting.scheme": ["equal", "inverse_volatility"]},
        store=sample_store,
        end="2025-06-30",
        benchmark=None,
    )
    row = swept.table.iloc[1]
    assert row["weighting.scheme"] == "inverse_volatility" and row["error"] is None
    built = build_index(base, sample_store, end="2025-06-30")
    assert row["total_return"] == pytest.approx(built.total_return, rel=1e-12)
    assert row["total_return"] != pytest.approx(swept.table.iloc[0]["total_return"])


def test_cli_builds_with_the_scheme_option(tmp_path, sample_store) -> None:
    out = tmp_path / "iv"
    result = CliRunner().invoke(
        app,
        ["index", "build", "ai-infra", "--scheme", "inverse_volatility", "--out", str(out),
         "--store", str(sample_store.path), "--end", "2025-06-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    m = build_index("ai-infra", sample_store, end="2025-06-30").methodology
    assert m is not None
    expected = build_index(
        m.model_copy(
            update={"weighting": WeightingSpec(scheme="inverse_volatility", cap=m.weighting.cap)}
        ),
        sample_store,
        end="2025-06-30",
    )
    levels = pd.read_csv(out / "levels.csv", index_col="date")["level"].to_numpy()
    np.testing.assert_allclose(levels, expected.level_values, rtol=1e-12)
    assert "inverse_volatility" in SCHEMES
