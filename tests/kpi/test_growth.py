"""QoQ, YoY, TTM, CAGR checked against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aithesis.errors import DataError
from aithesis.kpi.growth import cagr, growth_table, pick_one_per_period, series_cagr


def _facts(
    values: dict[str, float], *, unit: str = "RMB_100M", entity: str = "x", kind: str = "actual"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity": entity,
            "ticker": None,
            "metric": "capex",
            "fiscal_period": list(values),
            "period_end": None,
            "value": list(values.values()),
            "unit": unit,
            "currency": "CNY",
            "kind": kind,
            "source": "test",
            "as_of": pd.Timestamp("2025-06-13"),
        }
    )


def test_alibaba_capex_qoq_and_yoy_match_the_article() -> None:
    # article 003: 246.12 vs 317.75 (QoQ) and 111.53 (YoY); FRAMEWORKS: -22.5%, +120.7%
    table = growth_table(_facts({"2024Q1": 111.53, "2024Q4": 317.75, "2025Q1": 246.12}))
    row = table.set_index("fiscal_period").loc["2025Q1"]
    assert row["qoq"] == pytest.approx(246.12 / 317.75 - 1)
    assert row["yoy"] == pytest.approx(246.12 / 111.53 - 1)
    assert round(row["qoq"] * 100, 1) == -22.5 and round(row["yoy"] * 100, 1) == 120.7
    assert math.isnan(table.set_index("fiscal_period").loc["2024Q4", "qoq"])  # 2024Q3 missing


def test_ttm_sums_four_consecutive_quarters_and_needs_all_of_them() -> None:
    vals = {
        "2023Q4": 1.0,
        "2024Q1": 2.0,
        "2024Q2": 3.0,
        "2024Q3": 4.0,
        "2024Q4": 5.0,
        "2025Q2": 7.0,
    }
    t = growth_table(_facts(vals)).set_index("fiscal_period")
    assert t.loc["2024Q3", "ttm"] == 10.0
    assert t.loc["2024Q4", "ttm"] == 14.0
    assert math.isnan(t.loc["2025Q2", "ttm"])  # 2025Q1 missing
    assert t.loc["2024Q4", "yoy"] == pytest.approx(5.0 / 1.0 - 1)
    assert t.loc["2024Q2", "qoq"] == pytest.approx(0.5)


def test_ttm_yoy_compares_trailing_sums_a_year_apart() -> None:
    vals = {f"{y}Q{q}": float(10 * (y - 2022) + q) for y in (2023, 2024) for q in (1, 2, 3, 4)}
    t = growth_table(_facts(vals)).set_index("fiscal_period")
    ttm_2023 = 11 + 12 + 13 + 14
    ttm_2024 = 21 + 22 + 23 + 24
    assert t.loc["2024Q4", "ttm_yoy"] == pytest.approx(ttm_2024 / ttm_2023 - 1)


def test_no_ttm_for_percent_units() -> None:
    vals = {"2024Q1": 1.0, "2024Q2": 2.0, "2024Q3": 3.0, "2024Q4": 4.0}
    t = growth_table(_facts(vals, unit="percent"))
    assert t["ttm"].isna().all()


def test_growth_from_a_loss_is_nan() -> None:
    t = growth_table(_facts({"2024Q1": -5.0, "2024Q2": 3.0})).set_index("fiscal_period")
    assert math.isnan(t.loc["2024Q2", "qoq"])


def test_fiscal_and_calendar_labels_are_separate_series() -> None:
    t = growth_table(_facts({"FY2024Q4": 10.0, "2025Q1": 20.0})).set_index("fiscal_period")
    assert math.isnan(t.loc["2025Q1", "qoq"])
    t = growth_table(_facts({"FY2024Q4": 10.0, "FY2025Q1": 20.0})).set_index("fiscal_period")
    assert t.loc["FY2025Q1", "qoq"] == pytest.approx(1.0)


def test_mixed_scales_are_converted_explicitly() -> None:
    f = pd.concat([_facts({"2024Q1": 100.0}, unit="USD_M"), _facts({"2024Q2": 0.2}, unit="USD_bn")])
    t = growth_table(f).set_index("fiscal_period")
    assert t.loc["2024Q1", "value"] == pytest.approx(0.1)  # 100 USD_M in USD_bn (latest's unit)
    assert t.loc["2024Q2", "qoq"] == pytest.approx(1.0)
    assert (t["unit"] == "USD_bn").all()


def test_mixed_currencies_refuse_to_convert() -> None:
    f = pd.concat(
        [_facts({"2024Q1": 100.0}, unit="USD_M"), _facts({"2024Q2": 1.0}, unit="RMB_100M")]
    )
    with pytest.raises(DataError, match="currencies differ"):
        growth_table(f)


def test_reported_beats_derived_beats_estimate_for_one_period() -> None:
    f = pd.concat(
        [
            _facts({"2024Q1": 1.0}, kind="estimate"),
            _facts({"2024Q1": 2.0}, kind="derived"),
            _facts({"2024Q1": 3.0}, kind="actual"),
        ]
    )
    assert pick_one_per_period(f)["value"].tolist() == [3.0]


def test_cagr_by_hand() -> None:
    assert cagr(100.0, 121.0, 2.0) == pytest.approx(0.1)
    assert math.isnan(cagr(0.0, 10.0, 1.0))
    t = growth_table(_facts({"2020": 100.0, "2023": 133.1}, unit="USD_bn"))
    assert series_cagr(t, "2020", "2023") == pytest.approx(0.1)
    t = growth_table(_facts({"2020Q1": 100.0, "2022Q1": 144.0}))
    assert series_cagr(t, "2020Q1", "2022Q1") == pytest.approx(0.2)
    with pytest.raises(DataError, match="not in the series"):
        series_cagr(t, "2019Q1", "2022Q1")


@settings(deadline=None)  # pandas per example; timing is not what this tests (2 shared cores)
@given(
    st.lists(st.floats(0.1, 1e6), min_size=8, max_size=8),
    st.floats(0.001, 1000.0),
)
def test_growth_is_scale_invariant(values: list[float], scale: float) -> None:
    labels = [f"{2020 + i // 4}Q{i % 4 + 1}" for i in range(8)]
    a = growth_table(_facts(dict(zip(labels, values, strict=True))))
    b = growth_table(_facts(dict(zip(labels, [v * scale for v in values], strict=True))))
    for col in ("qoq", "yoy", "ttm_yoy"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-9, atol=1e-9, equal_nan=True)


@settings(deadline=None)
@given(st.floats(-0.5, 2.0), st.floats(1.0, 1e4))
def test_constant_quarterly_growth_gives_compounded_yoy(g: float, base: float) -> None:
    labels = [f"{2020 + i // 4}Q{i % 4 + 1}" for i in range(6)]
    vals = [base * (1 + g) ** i for i in range(6)]
    t = growth_table(_facts(dict(zip(labels, vals, strict=True))))
    np.testing.assert_allclose(t["qoq"].iloc[1:], g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t["yoy"].iloc[4:], (1 + g) ** 4 - 1, rtol=1e-9, atol=1e-12)
