"""Expectation gaps and dated events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aithesis.kpi.events import EVENTS, annotate, events_between
from aithesis.kpi.gaps import expectation_gaps


def _row(entity, period, value, unit, kind):
    return {
        "entity": entity,
        "metric": "capex",
        "fiscal_period": period,
        "value": value,
        "unit": unit,
        "kind": kind,
        "source": "s",
        "as_of": pd.Timestamp("2025-01-01"),
    }


def test_gap_is_actual_minus_expected_in_the_actuals_unit() -> None:
    facts = pd.DataFrame(
        [
            _row("amazon", "FY2025", 1000.0, "USD_100M", "guidance"),  # 100 USD_bn
            _row("amazon", "FY2025", 125.0, "USD_bn", "actual"),
            _row("amazon", "FY2026", 2000.0, "USD_100M", "guidance"),  # no actual yet
        ]
    )
    gaps = expectation_gaps(facts)
    assert len(gaps) == 1
    g = gaps.iloc[0]
    assert g["expected"] == pytest.approx(100.0) and g["unit"] == "USD_bn"
    assert g["gap_abs"] == pytest.approx(25.0)
    assert g["gap_pct"] == pytest.approx(0.25)


def test_gap_against_an_external_actuals_frame() -> None:
    est = pd.DataFrame([_row("us_hyperscalers", "2025", 2570.0, "USD_100M", "estimate")])
    actual = pd.DataFrame(
        [
            {
                "entity": "us_hyperscalers",
                "metric": "capex",
                "fiscal_period": "2025",
                "value": 300.0,
                "unit": "USD_bn",
            }
        ]
    )
    g = expectation_gaps(est, actual).iloc[0]
    assert g["gap_abs"] == pytest.approx(300.0 - 257.0)
    assert g["gap_pct"] == pytest.approx(300.0 / 257.0 - 1)


def test_events_overlap_windows() -> None:
    keys = [e.key for e in events_between(dt.date(2025, 4, 1), dt.date(2025, 6, 30))]
    assert keys == ["h20_ban"]
    keys = [e.key for e in events_between(dt.date(2024, 10, 1), dt.date(2024, 12, 31))]
    assert keys == ["q4_2024_stockpiling"]
    chatgpt = next(e for e in EVENTS if e.key == "chatgpt_release")
    assert chatgpt.start == dt.date(2022, 11, 30)


def test_annotate_marks_overlapping_periods_only() -> None:
    frame = pd.DataFrame(
        {
            "period_start": [dt.date(2024, 10, 1), dt.date(2024, 1, 1)],
            "period_end": [dt.date(2024, 12, 31), dt.date(2024, 3, 31)],
        }
    )
    out = annotate(frame)
    assert out["events"].tolist() == ["Q4'24 GPU stockpiling", ""]


def test_group_expectation_against_the_members_aggregate(tmp_path) -> None:
    from aithesis.data.store import Store
    from aithesis.kpi import api

    store = Store(tmp_path / "s.duckdb")
    api.load_article_facts(store)  # BofA: us_hyperscalers 2025 capex 2570 USD_100M (estimate)
    members = [
        ("microsoft", 80.0),
        ("amazon", 120.0),
        ("alphabet", 90.0),
        ("meta", 70.0),
    ]  # synthetic
    store.write_fundamentals(
        pd.DataFrame(
            [
                {
                    "entity": e,
                    "ticker": None,
                    "metric": "capex",
                    "fiscal_period": "2025",
                    "period_end": "2025-12-31",
                    "value": v,
                    "unit": "USD_bn",
                    "currency": "USD",
                    "kind": "actual",
                    "source": "synthetic",
                    "quote": None,
                    "as_of": "2026-02-01",
                }
                for e, v in members
            ]
        )
    )
    gaps = api.gaps(store, group="us_hyperscalers", metric="capex")
    row = gaps.set_index("fiscal_period").loc["2025"]
    assert row["actual"] == pytest.approx(360.0) and row["expected"] == pytest.approx(257.0)
    assert row["gap_pct"] == pytest.approx(360.0 / 257.0 - 1)
